using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Spec;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// Builds the container's root filesystem from config.json. Runs in the container's own mount
/// namespace (the init; or, in tests, a thread that did unshare(CLONE_FS | CLONE_NEWNS)), and
/// touches nothing but that namespace, its own fs struct (root, cwd) and, for hostname and
/// sysctl, its uts/ipc/net namespaces.
///
/// The init calls, in this order:
///   using var rootfs = new RootfsBuilder(config, rootfsPath, options);
///   rootfs.Prepare();          // propagation of /, rootfs bind, config mounts, /dev, linux.devices
///   ... createContainer hooks (spec: after the mounts, before pivot_root) ...
///   rootfs.PivotRoot();        // pivot_root (or chroot with NoPivot); cwd is the new /
///   rootfs.FinishAfterPivot(); // hostname, sysctl, readonly and masked paths, ro tmpfs, root.readonly,
///                              // then a shared or unbindable rootfsPropagation on the new /
/// (<see cref="Build"/> does the first and third in one call.) Every container path is resolved
/// inside the rootfs with RootPath: a symlink in the rootfs never leads a mount or a write out of it.
/// </summary>
internal sealed class RootfsBuilder : IDisposable
{
    private readonly ContainerConfig _config;
    private readonly RootfsOptions _options;
    private readonly List<string> _readonlyTmpfs = [];
    private SafeFd? _root;
    private SafeFd? _privateProc;
    private bool _pivoted;

    public RootfsBuilder(ContainerConfig config, string rootfs, RootfsOptions options)
    {
        _config = config;
        _options = options;
        RootfsPath = Path.GetFullPath(rootfs, options.Bundle ?? Directory.GetCurrentDirectory());
    }

    /// <summary>The rootfs as a host path, absolute.</summary>
    public string RootfsPath { get; }

    /// <summary>
    /// For an init that reads the bundle itself: bundle/config.json, root.path relative to the
    /// bundle. Nothing is mounted yet: call Prepare, PivotRoot, FinishAfterPivot.
    /// </summary>
    public static RootfsBuilder ForBundle(string bundle, RootfsOptions options)
    {
        var config = ConfigJson.Load(Path.Combine(bundle, "config.json"));
        var rootfs = config.Root?.Path;
        if (string.IsNullOrEmpty(rootfs))
        {
            throw new MountException($"{Path.Combine(bundle, "config.json")}: root.path: is required to build the root filesystem");
        }
        return new RootfsBuilder(config, rootfs,
            new RootfsOptions { Bundle = bundle, NoPivot = options.NoPivot, BindDevices = options.BindDevices, IdMappedTree = options.IdMappedTree });
    }

    /// <summary>Prepare then PivotRoot: everything up to and including pivot_root (or chroot).</summary>
    public static RootfsBuilder Build(ContainerConfig config, string rootfs, RootfsOptions options)
    {
        var builder = new RootfsBuilder(config, rootfs, options);
        try
        {
            builder.Prepare();
            builder.PivotRoot();
            return builder;
        }
        catch
        {
            builder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets the propagation of /, bind-mounts the rootfs onto itself, mounts the config's mounts in
    /// order, then the default devices, /dev links and linux.devices. Opens the private procfs
    /// for sysctl here, while the host's /proc is still fully visible.
    /// </summary>
    public void Prepare()
    {
        PrepareRootMount();
        _root = RootPath.OpenRoot(RootfsPath);
        var mounts = new ConfigMounts(_root, _config, _options);
        var configMounts = _config.Mounts ?? [];
        for (var i = 0; i < configMounts.Count; i++)
        {
            if (mounts.Mount(configMounts[i], i))
            {
                _readonlyTmpfs.Add(RootPath.Clean(configMounts[i].Destination));
            }
        }
        if (DeviceNodes.NeedsDevSetup(_config))
        {
            var devices = new DeviceNodes(_root, _options);
            devices.CreateDefaults(_config.Linux?.Devices);
            devices.CreateLinks(devIsConfigMount: (_config.Mounts ?? []).Any(m => RootPath.Clean(m.Destination) == "/dev"));
        }
        foreach (var device in _config.Linux?.Devices ?? [])
        {
            new DeviceNodes(_root, _options).Create(device);
        }
        if (_config.Linux?.Sysctl is { Count: > 0 })
        {
            _privateProc = Sysctls.OpenPrivateProc();
        }
    }

    /// <summary>
    /// Makes the rootfs the process's root: pivot_root(".", ".") from inside it, then the old
    /// root (now stacked under /) is made rslave, so the unmount does not propagate to the host,
    /// and detached. With NoPivot: move the rootfs onto / and chroot. Either way cwd ends at /.
    /// </summary>
    public void PivotRoot()
    {
        var root = _root ?? throw new InvalidOperationException("RootfsBuilder.Prepare must run before PivotRoot");
        Check(Fchdir(root), "chdir to the rootfs", RootfsPath);
        if (_options.NoPivot)
        {
            Mounter.MountPath(".", "/", null, MountFlags.Move, null, "move the rootfs onto", "/");
            Mounter.Chroot(".");
        }
        else
        {
            var rc = OpenAt(null, "/", O_DIRECTORY | O_RDONLY, 0, out var oldRoot);
            using (oldRoot)
            {
                Check(rc, "open the old root", "/");
                Mounter.PivotRoot(".", ".");
                Check(Fchdir(oldRoot), "chdir to the old root", "/");
                Mounter.MountPath(null, ".", null, MountFlags.Slave | MountFlags.Recursive, null, "make the old root rslave", "/");
                Mounter.Unmount(".", MountSyscallFlags.UmountDetach, "the old root");
            }
        }
        Check(Chdir("/"), "chdir to the new root", "/");
        _pivoted = true;
        _root.Dispose();
        _root = RootPath.OpenRoot("/");
    }

    /// <summary>
    /// After pivot_root, in runc's order: hostname and domainname, sysctl (through the private
    /// procfs), readonlyPaths, maskedPaths, read-only tmpfs mounts, root.readonly.
    /// </summary>
    public void FinishAfterPivot()
    {
        if (!_pivoted || _root is null)
        {
            throw new InvalidOperationException("RootfsBuilder.PivotRoot must run before FinishAfterPivot");
        }
        UtsNames.Set(_config.Hostname, _config.Domainname);
        if (_privateProc is not null)
        {
            Sysctls.Write(_privateProc, _config.Linux!.Sysctl!);
        }
        var paths = new ProtectedPaths(_root);
        foreach (var path in _config.Linux?.ReadonlyPaths ?? [])
        {
            paths.MakeReadonly(path);
        }
        var masked = _config.Linux?.MaskedPaths ?? [];
        if (masked.Count > 0)
        {
            using var devNull = paths.OpenVerifiedDevNull();
            foreach (var path in masked)
            {
                paths.Mask(path, devNull);
            }
        }
        foreach (var destination in _readonlyTmpfs)
        {
            using var fd = RootPath.Open(_root, destination);
            Mounter.SetAttributes(fd, destination, recursive: false, MountAttr.ReadOnly, MountAttr.None);
        }
        if (_config.Root?.Readonly == true)
        {
            Mounter.SetAttributes(_root, "/", recursive: false, MountAttr.ReadOnly, MountAttr.None);
        }
        // Last: the binds above (masked and read-only paths, the console) cannot be made from an
        // unbindable mount.
        var propagation = RootfsPropagation.Parse(_config.Linux?.RootfsPropagation);
        if (RootfsPropagation.AppliesAfterPivot(propagation))
        {
            Mounter.MountPath(null, "/", null, propagation, null, "set linux.rootfsPropagation on", "/");
        }
    }

    public void Dispose()
    {
        _root?.Dispose();
        _privateProc?.Dispose();
    }

    // runc's prepareRoot: / becomes rslave (or rootfsPropagation) so nothing leaks back to the
    // host; the rootfs's parent mount must not be shared (pivot_root refuses it); the rootfs is
    // bind-mounted onto itself so it is a mount point.
    private void PrepareRootMount()
    {
        var propagation = RootfsPropagation.Parse(_config.Linux?.RootfsPropagation);
        Mounter.MountPath(null, "/", null, RootfsPropagation.BeforePivot(propagation), null, "set the propagation of", "/");
        RootfsPropagation.SetParentPropagation(RootfsPath, propagation);
        Mounter.MountPath(RootfsPath, RootfsPath, null, MountFlags.Bind | MountFlags.Recursive, null, "bind mount the rootfs", RootfsPath);
    }

    private static void Check(int rc, string operation, string target)
    {
        if (rc < 0)
        {
            throw new MountException(operation, null, target, -rc);
        }
    }
}
