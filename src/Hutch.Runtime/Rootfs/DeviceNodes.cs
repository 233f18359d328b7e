using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Spec;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// /dev inside the container: the devices every container gets (config-linux.md "Default
/// Devices"), the /dev links, and linux.devices. A node is made with mknod; where mknod is not
/// permitted (a user namespace) the host's node is bind-mounted onto an empty file instead.
/// An existing node is left as it is (runc's behaviour); /dev/console is the terminal code's.
/// </summary>
internal sealed class DeviceNodes(SafeFd root, RootfsOptions options)
{
    private const uint DefaultMode = 0x1B6; // 0666

    /// <summary>null, zero, full, random, urandom, tty: character devices, 0666, root-owned.</summary>
    public static readonly IReadOnlyList<(string Path, uint Major, uint Minor)> Defaults =
    [
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7),
        ("/dev/random", 1, 8), ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    ];

    /// <summary>The links every container's /dev has (target, link).</summary>
    public static readonly IReadOnlyList<(string Target, string Link)> Links =
    [
        ("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"),
        ("/proc/self/fd/1", "/dev/stdout"), ("/proc/self/fd/2", "/dev/stderr"),
        ("pts/ptmx", "/dev/ptmx"),
    ];

    /// <summary>runc's rule: /dev is populated unless the config bind-mounts it from elsewhere.</summary>
    public static bool NeedsDevSetup(ContainerConfig config) =>
        !(config.Mounts ?? []).Any(m => RootPath.Clean(m.Destination) == "/dev"
            && (m.Type == "bind" || MountOptions.Parse(m.Options).Bind));

    /// <summary>The default devices, except those linux.devices lists itself.</summary>
    public void CreateDefaults(IReadOnlyList<LinuxDevice>? configured)
    {
        foreach (var (path, major, minor) in Defaults)
        {
            if (configured?.Any(d => RootPath.Clean(d.Path) == path) == true)
            {
                continue;
            }
            CreateNode(path, S_IFCHR, major, minor, DefaultMode, 0, 0);
        }
    }

    /// <summary>The /dev links; with /dev a fresh mount from the config, also the /dev/pts and /dev/shm directories.</summary>
    public void CreateLinks(bool devIsConfigMount)
    {
        using var dev = RootPath.MkdirAll(root, "/dev");
        if (devIsConfigMount)
        {
            foreach (var dir in new[] { "pts", "shm" })
            {
                var rc = MkdirAt(dev, dir, 0x1ED);
                if (rc < 0 && rc != -Hutch.Linux.Errno.EEXIST)
                {
                    throw new MountException("create directory", null, "/dev/" + dir, -rc);
                }
            }
        }
        foreach (var (target, link) in Links)
        {
            var rc = SymlinkAt(target, dev, link["/dev/".Length..]);
            if (rc < 0 && rc != -Hutch.Linux.Errno.EEXIST)
            {
                throw new MountException("create symlink", target, link, -rc);
            }
        }
    }

    /// <summary>One entry of linux.devices.</summary>
    public void Create(LinuxDevice device)
    {
        var type = device.Type switch
        {
            "c" or "u" => S_IFCHR,
            "b" => S_IFBLK,
            "p" => S_IFIFO,
            _ => throw new MountException(
                $"create device {device.Path}: type \"{device.Type}\" is not one of c, b, u or p (linux.devices)"),
        };
        CreateNode(RootPath.Clean(device.Path), type, (uint)device.Major, (uint)device.Minor,
            (device.FileMode ?? DefaultMode) & 0xFFF, device.Uid ?? 0, device.Gid ?? 0);
    }

    private void CreateNode(string path, uint type, uint major, uint minor, uint mode, uint uid, uint gid)
    {
        var parentPath = Path.GetDirectoryName(path) ?? "/";
        var name = Path.GetFileName(path);
        using var parent = RootPath.MkdirAll(root, parentPath);
        var rc = options.BindDevices && type != S_IFIFO ? -Hutch.Linux.Errno.EPERM : MknodAt(parent, name, type | mode, major, minor);
        if (rc == -Hutch.Linux.Errno.EEXIST)
        {
            return;
        }
        if (rc == -Hutch.Linux.Errno.EPERM && type != S_IFIFO)
        {
            BindHostNode(path);
            return;
        }
        if (rc < 0)
        {
            throw new MountException("create device", null, path, -rc);
        }
        // mknod applied the umask; the mode and owner are the config's.
        rc = ChmodAt(parent, name, mode);
        if (rc == 0)
        {
            rc = ChownAt(parent, name, uid, gid);
        }
        if (rc < 0)
        {
            throw new MountException("set mode and owner of device", null, path, -rc);
        }
    }

    // The host's node of the same path, on an empty file created inside the rootfs.
    private void BindHostNode(string path)
    {
        using var target = RootPath.CreateFile(root, path);
        var rc = Fstat(target, out var st);
        if (rc == 0 && st.Type != S_IFREG)
        {
            return; // something is already there (a node or a link): leave it, as for EEXIST
        }
        Mounter.Mount(path, target, path, null, MountFlags.Bind, null, "bind mount the host device");
    }
}
