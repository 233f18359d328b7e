using Hutch.Linux.Namespaces;
using Hutch.Runtime.Checkpoint.Rpc;
using Hutch.Runtime.Lifecycle;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// `checkpoint ID` (runc's semantics): CRIU dumps the running (or paused) container's process
/// tree into --image-path; then, unless --leave-running or --pre-dump, the container is gone
/// (CRIU killed its processes; hutch deletes it as `delete --force` does: cgroup, poststop hooks,
/// state). Host mounts are declared external (CriuMounts), a network or pid namespace given by
/// path too ("net[INODE]:extRootNetNS"), so restore joins the same namespace. The cgroup freezer
/// stops the tree while CRIU dumps it.
/// </summary>
internal static class ContainerCheckpoint
{
    public static void Run(CheckpointOptions options)
    {
        var criu = CriuBinary.Resolve(options.Criu);
        var flags = options.Flags;
        var imageDirectory = flags.ImageDirectory;
        var store = new StateStore(options.Root);
        using (var held = store.Lock(options.Id))
        {
            var state = store.Load(options.Id);
            var directory = store.DirectoryOf(options.Id);
            var status = StatusProbe.Probe(state, directory);
            if (status is not (ContainerStatus.Running or ContainerStatus.Paused))
            {
                throw new LifecycleException($"cannot checkpoint container {options.Id}: container not running (it is {status.ToOciString()})");
            }
            CriuBinary.CheckVersion(criu);
            CheckKernelCan(criu, options);
            var config = LoadConfig(directory);

            using var images = CriuRequests.OpenDirectory(imageDirectory, "--image-path", create: true);
            var workDirectory = string.IsNullOrEmpty(flags.WorkPath) ? imageDirectory : Path.GetFullPath(flags.WorkPath);
            using var work = CriuRequests.OpenDirectory(workDirectory, "--work-path", create: true);
            var logFile = options.PreDump ? "pre-dump.log" : "dump.log";
            var opts = CriuRequests.Common(flags, images, work, logFile, config);
            opts.Root = state.Rootfs;
            opts.Pid = state.Pid;
            opts.LeaveRunning = options.LeaveRunning || options.PreDump;
            opts.TcpSkipInFlight = options.TcpSkipInFlight;
            opts.LinkRemap = options.LinkRemap;
            foreach (var kind in new[] { NamespaceKind.Network, NamespaceKind.Pid })
            {
                if (CriuRequests.NamespacePath(config, kind) is { } path)
                {
                    // CRIU leaves this namespace out of the images; restore must hand it back (inherit_fd).
                    var inode = NamespaceInode(path);
                    opts.External.Add($"{(kind == NamespaceKind.Network ? "net" : "pid")}[{inode}]:{CriuRequests.ExternalKey(kind)}");
                }
            }
            if (FreezerOf(state) is { } freezer)
            {
                opts.FreezeCgroup = freezer;
            }
            if (options.PageServer is { } server)
            {
                opts.Ps = PageServer(server);
            }
            if (!string.IsNullOrEmpty(options.ParentPath))
            {
                opts.ParentImg = ParentImage(imageDirectory, options.ParentPath);
                opts.TrackMem = true;
            }
            if (options.Flags.LazyPages && options.StatusFd >= 0)
            {
                opts.StatusFd = options.StatusFd;
            }
            if (!options.PreDump)
            {
                CriuMounts.AddForDump(opts, config, state.Pid);
                Descriptors.Write(imageDirectory, state.Pid);
            }
            options.Debug?.Invoke($"criu {criu}: {(options.PreDump ? "pre-dump" : "dump")} of pid {state.Pid} into {imageDirectory}");
            new CriuSession(criu) { LogPath = Path.Combine(workDirectory, logFile) }.Call(new CriuRequest
            {
                Type = options.PreDump ? CriuReqType.PreDump : CriuReqType.Dump,
                Opts = opts,
            });
        }
        if (!options.LeaveRunning && !options.PreDump)
        {
            // CRIU killed the tree after dumping it: the container ends as `delete --force` ends it.
            Delete.Run(options.Root, options.Id, force: true, options.Warn);
        }
    }

    /// <summary>--pre-dump needs soft-dirty page tracking, --lazy-pages userfaultfd: refused up front where this kernel or criu lacks them.</summary>
    private static void CheckKernelCan(string criu, CheckpointOptions options)
    {
        if (!options.PreDump && !options.Flags.LazyPages && string.IsNullOrEmpty(options.ParentPath))
        {
            return;
        }
        var wanted = new CriuFeatures();
        if (options.PreDump || !string.IsNullOrEmpty(options.ParentPath))
        {
            wanted.MemTrack = true;
        }
        if (options.Flags.LazyPages)
        {
            wanted.LazyPages = true;
        }
        var has = CriuBinary.Features(criu, wanted);
        if (wanted.HasMemTrack && !has.MemTrack)
        {
            throw new CriuException(
                $"cannot {(options.PreDump ? "pre-dump" : "dump incrementally onto --parent-path")} container {options.Id}: " +
                "this kernel has no soft-dirty page tracking (CONFIG_MEM_SOFT_DIRTY), which CRIU needs to find the memory changed since a pre-dump; " +
                "checkpoint without --pre-dump/--parent-path");
        }
        if (wanted.HasLazyPages && !has.LazyPages)
        {
            throw new CriuException(
                $"cannot checkpoint container {options.Id} with --lazy-pages: CRIU reports no lazy-pages support here (it needs userfaultfd with " +
                "non-cooperative events from the kernel); checkpoint without --lazy-pages");
        }
    }

    private static string ParentImage(string imageDirectory, string parent)
    {
        if (Path.IsPathRooted(parent))
        {
            throw new CriuException($"--parent-path {parent}: must be relative to --image-path (runc's rule), e.g. ../pre-dump");
        }
        var real = Path.Combine(imageDirectory, parent);
        if (!Directory.Exists(real))
        {
            throw new CriuException($"invalid --parent-path {parent}: {real} is not a directory");
        }
        return parent;
    }

    private static PageServerInfo PageServer(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            throw new CriuException($"--page-server {value}: use ADDRESS:PORT");
        }
        return new PageServerInfo { Address = value[..colon].Trim('[', ']'), Port = port };
    }

    /// <summary>The v1 freezer directory, else the cgroup2 one (cgroup.freeze; CRIU 3.14+).</summary>
    private static string? FreezerOf(ContainerState state) =>
        state.Cgroup is null ? null
            : state.Cgroup.TryGetValue("freezer", out var v1) ? v1
            : state.Cgroup.TryGetValue("unified", out var v2) && File.Exists(Path.Combine(v2, "cgroup.freeze")) ? v2
            : null;

    private static ulong NamespaceInode(string path)
    {
        var rc = Hutch.Linux.Interop.Libc.OpenAt(null, path, Hutch.Linux.Interop.Libc.O_RDONLY, 0, out var fd);
        using (fd)
        {
            if (rc < 0 || Hutch.Linux.Interop.Libc.NamespaceFileIdentity(fd.Fd, out _, out var inode) != 0)
            {
                throw new CriuException($"the config's namespace {path}: {Hutch.Linux.Errno.Describe(rc < 0 ? -rc : Hutch.Linux.Interop.Libc.LastErrno)}");
            }
            return inode;
        }
    }

    /// <summary>The config create kept in the container's directory.</summary>
    internal static ContainerConfig LoadConfig(string directory)
    {
        var path = Path.Combine(directory, "config.json");
        try
        {
            return ConfigJson.Parse(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (Hutch.Linux.IoErrors.IsIoFailure(e))
        {
            throw new CriuException($"read the container's config copy {path}: {Hutch.Linux.IoErrors.Describe(e)}", e);
        }
    }
}
