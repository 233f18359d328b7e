using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Processes;
using Hutch.Linux.Spawn;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Checkpoint.Rpc;
using Hutch.Runtime.Consoles;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.Lifecycle;
using Hutch.Runtime.NetDevices;
using Hutch.Runtime.Signals;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// `restore ID` (runc's semantics): a new container ID from the bundle's config whose process
/// tree CRIU recreates from --image-path. In order:
/// <list type="number">
/// <item>checks before anything exists: the images (descriptors.json), the config, criu's version;</item>
/// <item>claims the id (taken: an error, nothing made), keeps the config copy, makes the cgroup
/// with the config's limits (cgroupfs), and starts `criu swrk` inside it, so the restored tree
/// is born there; v1 cgroup roots point CRIU's cgroup restore at it;</item>
/// <item>CRIU needs a root that is a mount point: the rootfs is bind-mounted to
/// &lt;state&gt;/criu-root for the time of the restore (runc's way); missing mount points are made;</item>
/// <item>the request: host mounts as external (CriuMounts), a network or pid namespace given by
/// path handed over as an fd (inherit_fd "extRootNetNS"/"extRootPidNS"), other namespace paths
/// joined (join_ns), the images' stdio pipes replaced by hutch's own stdio (inherit_fd),
/// the restored tree a sibling of criu (rst_sibling: hutch's child);</item>
/// <item>CRIU's notifications: "setup-namespaces" (the namespaces exist, nothing runs yet):
/// prestart and createRuntime hooks, and the config's netDevices moved into a new network
/// namespace; "orphan-pts-master": the restored terminal's master to --console-socket;</item>
/// <item>state.json (running), --pid-file; with --detach hutch returns, else it waits for the
/// process, forwards signals, deletes the container and returns its status (as `run`).</item>
/// </list>
/// Any failure undoes it all: CRIU kills what it restored, hutch moves net devices back, removes
/// the cgroup, the criu-root mount and the state directory.
/// </summary>
internal static class ContainerRestore
{
    private const string CriuRootName = "criu-root";

    public static int Run(RestoreOptions options)
    {
        ContainerId.Validate(options.Id);
        var flags = options.Flags;
        var imageDirectory = flags.ImageDirectory;
        var criu = CriuBinary.Resolve(options.Criu);
        // Before the id is claimed: bad images, a bad config or an old criu leave nothing behind.
        using var images = CriuRequests.OpenDirectory(imageDirectory, "--image-path", create: false);
        var descriptors = Descriptors.Read(imageDirectory);
        var bundle = Path.GetFullPath(options.Bundle ?? Directory.GetCurrentDirectory());
        var configPath = Path.Combine(bundle, "config.json");
        byte[] configBytes;
        try
        {
            configBytes = File.ReadAllBytes(configPath);
        }
        catch (Exception e) when (IoErrors.IsIoFailure(e))
        {
            throw new ConfigFormatException(configPath, null, $"{configPath}: cannot read it: {IoErrors.Describe(e)} (is --bundle the bundle directory?)");
        }
        var config = ConfigJson.Parse(configBytes, configPath);
        foreach (var warning in ConfigValidator.EnsureValid(config).Warnings)
        {
            options.Warn?.Invoke($"{configPath}: {warning}");
        }
        CheckSupported(options, config, configPath);
        CriuBinary.CheckVersion(criu);
        if (flags.LazyPages && !CriuBinary.Features(criu, new CriuFeatures { LazyPages = true }).LazyPages)
        {
            throw new CriuException($"cannot restore container {options.Id} with --lazy-pages: CRIU reports no lazy-pages support here (it needs userfaultfd with non-cooperative events from the kernel)");
        }
        var workDirectory = string.IsNullOrEmpty(flags.WorkPath) ? imageDirectory : Path.GetFullPath(flags.WorkPath);
        using var work = CriuRequests.OpenDirectory(workDirectory, "--work-path", create: true);
        var rootfs = Path.GetFullPath(config.Root!.Path, bundle);
        var layout = CgroupLayout.Detect();
        if (!options.Detach && !options.NoSubreaper)
        {
            // runc's rule for a restore in the foreground: the restored tree's orphans come to hutch, not to the host's init.
            _ = Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1);
        }

        var store = new StateStore(options.Root);
        var directory = store.Claim(options.Id);
        Cgroup? cgroup = null;
        string? criuRoot = null;
        var criuRootMounted = false;
        var restoredPid = 0;
        NetDeviceMover? netDevices = null;
        var namespaceFds = new List<SafeFd>();
        try
        {
            directory.WriteConfigCopy(configBytes);
            cgroup = ContainerCgroup.Create(config, options.Id, layout, options.Rootless, options.Warn, options.Debug);
            using var placement = cgroup?.OpenPlacement();

            criuRoot = Path.Combine(directory.Path, CriuRootName);
            if (Libc.mkdir(criuRoot, 0b111_101_101) != 0)
            {
                throw new CriuException($"make {criuRoot}: {Errno.Describe(Libc.LastErrno)}");
            }
            Mounter.MountPath(rootfs, criuRoot, null, MountFlags.Bind | MountFlags.Recursive, null, "bind mount the rootfs for criu");
            criuRootMounted = true;
            RestoreMountpoints.Create(config, rootfs, bundle);

            var logFile = "restore.log";
            var opts = CriuRequests.Common(flags, images, work, logFile, config);
            opts.Root = criuRoot;
            opts.RstSibling = true;
            opts.EvasiveDevices = true;
            if (!string.IsNullOrEmpty(options.LsmProfile))
            {
                opts.LsmProfile = options.LsmProfile;
            }
            if (!string.IsNullOrEmpty(options.LsmMountContext))
            {
                opts.LsmMountContext = options.LsmMountContext;
            }
            var session = new CriuSession(criu)
            {
                Cgroup = placement,
                LogPath = Path.Combine(workDirectory, logFile),
                Started = (criuPid, request) => AddCgroupRoots(request.Opts, config, bundle, criuPid, layout),
            };
            AddNamespaces(opts, config, session, namespaceFds);
            for (var fd = 0; fd < descriptors.Count; fd++)
            {
                if (descriptors[fd].Contains("pipe:", StringComparison.Ordinal))
                {
                    opts.InheritFd.Add(new InheritFd { Key = descriptors[fd], Fd = fd });
                }
            }

            var state = new ContainerState
            {
                OciVersion = DefaultConfig.OciVersion,
                Id = options.Id,
                Status = ContainerStatus.Creating,
                Bundle = bundle,
                Annotations = config.Annotations,
                Created = DateTimeOffset.UtcNow,
                Rootfs = rootfs,
                Owner = ContainerOwner.Of(Libc.geteuid()),
                OwnsNetworkNamespace = config.Linux?.Namespaces?.Any(n => n.Type == "network" && string.IsNullOrEmpty(n.Path)) == true,
                OwnsPidNamespace = config.Linux?.Namespaces?.Any(n => n.Type == "pid" && string.IsNullOrEmpty(n.Path)) == true,
                Cgroup = cgroup is null ? [] : new Dictionary<string, string>(cgroup.Directories, StringComparer.Ordinal),
            };
            options.Debug?.Invoke($"criu {criu}: restore of {imageDirectory} as container {options.Id}");
            var response = session.Call(new CriuRequest { Type = CriuReqType.Restore, Opts = opts }, (script, pid, fd) =>
            {
                switch (script)
                {
                    case "setup-namespaces":
                        restoredPid = pid;
                        state.Pid = pid;
                        netDevices = MoveNetDevices(config, state, pid);
                        var stdin = StateJson.ToOciJsonUtf8(state, ContainerStatus.Creating);
                        HookRunner.RunAll(config.Hooks, HookPhase.Prestart, stdin);
                        HookRunner.RunAll(config.Hooks, HookPhase.CreateRuntime, stdin);
                        break;
                    case "post-restore":
                        restoredPid = pid;
                        break;
                    case "orphan-pts-master" when fd is not null && options.ConsoleSocket is { } socket:
                        ConsoleSocketClient.SendMaster(socket, fd);
                        break;
                }
            });
            restoredPid = response.Restore?.Pid ?? restoredPid;
            if (restoredPid <= 0)
            {
                throw new CriuException($"criu restored container {options.Id} but did not say which pid it has{SeeLog(session)}");
            }
            state.Pid = restoredPid;
            state.PidStartTime = ProcStat.StartTime(restoredPid)
                ?? throw new CriuException($"the restored process of container {options.Id} (pid {restoredPid}) exited at once{SeeLog(session)}");
            state.Status = ContainerStatus.Running;
            store.Save(state);
            if (options.PidFile is { } pidFile)
            {
                PidFile.Write(pidFile, restoredPid);
            }
            UnmountCriuRoot(criuRoot, options.Warn);
            criuRootMounted = false;
            netDevices?.Dispose();
        }
        catch (Exception first)
        {
            var cleanup = new List<string>();
            if (restoredPid > 0)
            {
                // CRIU kills its tree when it fails; a failure after it answered leaves one to end here.
                _ = Libc.kill(restoredPid, Libc.SIGKILL);
                using var adopted = SpawnedProcess.Adopt(restoredPid, "the restored process");
                _ = adopted.TryWaitForExit(TimeSpan.FromSeconds(10), out _);
            }
            if (netDevices is not null)
            {
                Try(cleanup, netDevices.Rollback);
                netDevices.Dispose();
            }
            if (cgroup is not null)
            {
                Try(cleanup, () =>
                {
                    if (cgroup.Pids().Count > 0)
                    {
                        cgroup.Signal(Libc.SIGKILL);
                    }
                    cgroup.Remove();
                });
            }
            if (criuRootMounted)
            {
                Try(cleanup, () => UnmountCriuRoot(criuRoot!, null));
            }
            Try(cleanup, () => store.Remove(options.Id));
            directory.Dispose();
            if (cleanup.Count > 0)
            {
                throw new LifecycleException($"{first.Message} (and cleaning up failed: {string.Join("; ", cleanup)})", first);
            }
            throw;
        }
        finally
        {
            foreach (var fd in namespaceFds)
            {
                fd.Dispose();
            }
        }
        directory.Dispose();
        return options.Detach ? 0 : WaitInForeground(options, restoredPid);
    }

    /// <summary>What hutch refuses before anything is made, each with the reason.</summary>
    private static void CheckSupported(RestoreOptions options, ContainerConfig config, string configPath)
    {
        var terminal = config.Process?.Terminal == true;
        if (terminal && !options.Detach)
        {
            throw new LifecycleException($"container {options.Id}: process.terminal is true in {configPath}: restore a terminal container with --detach --console-socket PATH (the restored pty master goes there)");
        }
        if (terminal && options.ConsoleSocket is null)
        {
            throw new LifecycleException($"container {options.Id}: cannot allocate tty if hutch will detach without setting console socket: process.terminal is true in {configPath}; pass --console-socket PATH");
        }
        if (options.ConsoleSocket is { } socket && !terminal)
        {
            throw new LifecycleException($"container {options.Id}: cannot use console socket {socket}: process.terminal is false in {configPath}");
        }
        if (options.SystemdCgroup)
        {
            throw new LifecycleException($"container {options.Id}: restore under --systemd-cgroup is not supported yet: restore with the cgroupfs driver (without --systemd-cgroup)");
        }
        if (CriuRequests.NamespacePath(config, NamespaceKind.Cgroup) is { } path)
        {
            throw new LifecycleException($"container {options.Id}: linux.namespaces: a cgroup namespace given by path ({path}) cannot be restored: CRIU cannot join one");
        }
    }

    /// <summary>Network and pid namespaces given by path go to criu as fds (inherit_fd); the others it joins by path (join_ns).</summary>
    private static void AddNamespaces(CriuOpts opts, ContainerConfig config, CriuSession session, List<SafeFd> opened)
    {
        foreach (var ns in config.Linux?.Namespaces ?? [])
        {
            if (string.IsNullOrEmpty(ns.Path) || !NamespaceKinds.TryParseOciName(ns.Type, out var kind))
            {
                continue;
            }
            if (kind is NamespaceKind.Network or NamespaceKind.Pid)
            {
                var rc = Libc.OpenAt(null, ns.Path, Libc.O_RDONLY, 0, out var fd);
                if (rc < 0)
                {
                    fd.Dispose();
                    throw new CriuException($"linux.namespaces: the {ns.Type} namespace {ns.Path} must exist to restore into it: {Errno.Describe(-rc)}");
                }
                opened.Add(fd);
                opts.InheritFd.Add(new InheritFd { Key = CriuRequests.ExternalKey(kind), Fd = session.NextExtraFd });
                session.ExtraFds.Add(fd);
            }
            else
            {
                opts.JoinNs.Add(new JoinNamespace { Ns = kind.ProcFileName(), NsFile = ns.Path });
            }
        }
    }

    /// <summary>
    /// criu runs in the container's cgroup now: on cgroup v1 its own cgroup of each hierarchy is
    /// where CRIU restores the tree's cgroups (cg_root), and what the cgroup bind mounts show.
    /// </summary>
    private static void AddCgroupRoots(CriuOpts opts, ContainerConfig config, string bundle, int criuPid, CgroupLayout layout)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines($"/proc/{CriuSession.Number(criuPid)}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
            {
                own[parts[1]] = parts[2];
            }
        }
        if (!File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            foreach (var (controllers, path) in own)
            {
                opts.CgRoot.Add(new CgroupRoot { Ctrl = controllers, Path = path });
            }
        }
        _ = layout;
        CriuMounts.AddForRestore(opts, config, bundle, own);
    }

    /// <summary>
    /// A new network namespace is restored empty (runc's rule: CRIU does not restore devices);
    /// the config's netDevices are moved into it again, as create does, before hooks run. In a
    /// namespace given by path the devices are still there (it outlived the checkpoint).
    /// </summary>
    private static NetDeviceMover? MoveNetDevices(ContainerConfig config, ContainerState state, int pid)
    {
        if (config.Linux?.NetDevices is not { Count: > 0 } devices || !state.OwnsNetworkNamespace)
        {
            return null;
        }
        using var netns = NetworkNamespace.OpenOfProcess(pid);
        var mover = NetDeviceMover.Prepare(devices, netns);
        try
        {
            mover.MoveAll();
        }
        catch
        {
            mover.Dispose();
            throw;
        }
        return mover;
    }

    /// <summary>Without --detach: as `run` in the foreground, wait, forward signals, delete, return the status.</summary>
    private static int WaitInForeground(RestoreOptions options, int pid)
    {
        using var process = SpawnedProcess.Adopt(pid, "the restored process");
        using (var forwarder = new SignalForwarder())
        {
            forwarder.ForwardTo(process);
            var status = process.WaitForExit();
            Delete.Run(options.Root, options.Id, force: true, options.Warn);
            return status.ShellCode;
        }
    }

    private static void UnmountCriuRoot(string criuRoot, Action<string>? warn)
    {
        Mounter.Unmount(criuRoot, MountSyscallFlags.UmountDetach);
        if (Libc.rmdir(criuRoot) != 0)
        {
            warn?.Invoke($"remove {criuRoot}: {Errno.Describe(Libc.LastErrno)}");
        }
    }

    private static string SeeLog(CriuSession session) => session.LogPath is null ? "" : $"; see {session.LogPath}";

    private static void Try(List<string> cleanup, Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // a cleanup failure is reported with the first error, never instead of it
        catch (Exception e)
#pragma warning restore CA1031
        {
            cleanup.Add(e.Message);
        }
    }
}
