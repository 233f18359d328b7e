using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Spec;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// A mount of type "cgroup" (or "cgroup2") at, typically, /sys/fs/cgroup.
///
/// cgroup v2 host (/sys/fs/cgroup is cgroup2): a new cgroup2 mount, which shows the root of the
/// container's cgroup namespace; where the kernel refuses it (EPERM/EBUSY: a user namespace
/// without its own cgroup namespace) the host's /sys/fs/cgroup is bind-mounted instead (runc).
///
/// cgroup v1 or hybrid host: a tmpfs at the destination with one directory per hierarchy the host
/// mounts under /sys/fs/cgroup. With a cgroup namespace each hierarchy is mounted afresh (its root
/// is then the namespace's); without one, the init's own cgroup of each hierarchy (from
/// /proc/self/cgroup) is bind-mounted, so the container sees its cgroup and nothing above it.
/// Co-mount symlinks (cpu -> cpu,cpuacct) are not recreated. The config's flags (ro, nosuid ...)
/// apply to the tmpfs and to every hierarchy.
/// </summary>
internal sealed class CgroupMount(SafeFd root, ContainerConfig config)
{
    private const string HostRoot = "/sys/fs/cgroup";

    public void Mount(Mount mount, string destination, SafeFd target, MountFlags flags, ParsedMountOptions parsed)
    {
        var (set, clear) = MountOptions.ToMountAttr(flags, parsed.ClearFlags);
        if (File.Exists(Path.Combine(HostRoot, "cgroup.controllers")))
        {
            try
            {
                Mounter.Mount(mount.Source ?? "cgroup", target, destination, "cgroup2", flags, parsed.Data);
            }
            catch (MountException e) when (e.Errno is Hutch.Linux.Errno.EPERM or Hutch.Linux.Errno.EBUSY)
            {
                Mounter.Mount(HostRoot, target, destination, null, MountFlags.Bind | MountFlags.Recursive, null, "bind mount");
                using var mounted = RootPath.Open(root, destination);
                Mounter.SetAttributes(mounted, destination, recursive: false, set, clear);
            }
            return;
        }
        MountV1(destination, target, flags, set, clear);
    }

    private void MountV1(string destination, SafeFd target, MountFlags flags, MountAttr set, MountAttr clear)
    {
        var ownNamespace = config.Linux?.Namespaces?.Any(n => n.Type == "cgroup") == true;
        var hierarchies = MountInfo.Read("/proc/self/mountinfo")
            .Where(e => e.FsType is "cgroup" or "cgroup2" && Path.GetDirectoryName(e.MountPoint) == HostRoot)
            .ToList();
        if (hierarchies.Count == 0)
        {
            throw new MountException("mount", "cgroup", destination, Hutch.Linux.Errno.ENOENT,
                $"the host mounts no cgroup hierarchy under {HostRoot}");
        }
        var ownCgroups = ReadOwnCgroups();
        Mounter.Mount("cgroup", target, destination, "tmpfs", flags & ~MountFlags.ReadOnly, "mode=755");
        foreach (var hierarchy in hierarchies)
        {
            var name = Path.GetFileName(hierarchy.MountPoint);
            var path = $"{destination.TrimEnd('/')}/{name}";
            using (var dir = RootPath.MkdirAll(root, path))
            {
                var controllers = hierarchy.FsType == "cgroup2" ? "" : string.Join(',',
                    hierarchy.SuperOptions.Where(o => o is not ("rw" or "ro") && !o.StartsWith("release_agent=", StringComparison.Ordinal)));
                if (ownNamespace)
                {
                    Mounter.Mount("cgroup", dir, path, hierarchy.FsType, flags & ~MountFlags.ReadOnly, controllers);
                }
                else
                {
                    // /proc/self/cgroup's second field lists the hierarchy's controllers and name
                    // ("cpu,cpuacct", "name=systemd"), without options such as xattr.
                    var key = hierarchy.FsType == "cgroup2" ? "" : string.Join(',', hierarchy.SuperOptions.Where(CgroupLayout.NamesHierarchy));
                    var own = ownCgroups.GetValueOrDefault(key, "/");
                    Mounter.Mount(hierarchy.MountPoint + (own == "/" ? "" : own), dir, path, null, MountFlags.Bind, null, "bind mount");
                }
            }
            using var mounted = RootPath.Open(root, path);
            Mounter.SetAttributes(mounted, path, recursive: false, set, clear);
        }
        using var top = RootPath.Open(root, destination);
        Mounter.SetAttributes(top, destination, recursive: false, set, clear);
    }

    // /proc/self/cgroup: "ID:controllers:path"; keyed by the controller list ("" for cgroup2).
    private static Dictionary<string, string> ReadOwnCgroups()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
            {
                result[parts[1]] = parts[2];
            }
        }
        return result;
    }
}
