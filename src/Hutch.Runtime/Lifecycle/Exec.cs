using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Paths;
using Hutch.Linux.Processes;
using Hutch.Linux.Spawn;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Consoles;
using Hutch.Runtime.Processes;
using Hutch.Runtime.Signals;
using Hutch.Runtime.State;
using Hutch.Runtime.Transactions;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `exec`: a new process in a running (or created) container, with the init's security setup.
/// hutch cannot run itself inside the container's mount namespace (its ld.so and libc are not
/// there) and .NET cannot setns into a mount or user namespace, so everything is decided here and
/// the spawned child does the rest in C (SpawnPlan.ProcessSetup, native/procsetup.c):
/// <code>
///   hutch (host)                                     child (native)
///   state, status (not stopped), init pinned
///   config.json of the state dir -> process
///   plan: caps, rlimits, seccomp compiled here
///   args[0] and HOME looked up in /proc/INIT/root
///   pty on the container's devpts (with -t)
///   open /proc/INIT/ns/* (not hutch's own)
///   spawn (two stages with a pid namespace) -------> setns user .. mount; close fds; wait
///   prlimit, oom_score_adj, sched, ioprio, cpus
///   the container's cgroup (ExecCgroup); console socket gets the master
///   release ----------------------------------------> setsid/TIOCSCTTY, mempolicy, bounding, ids, cwd +
///   <-- EOF on the error pipe: exec'd                   check, caps, nnp, seccomp, execve
///   pid file; --detach: return 0; else forward signals, bridge the pty, wait, return its status
/// </code>
/// </summary>
internal static class Exec
{
    /// <summary>
    /// Runs the exec; returns 0 with --detach, else the process's exit status (128 + signal when
    /// a signal killed it). Throws on every failure of hutch's own (the CLI exits 255 then).
    /// </summary>
    public static int Run(ExecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ContainerId.Validate(options.Id);
        var store = new StateStore(options.Root);
        var state = store.Load(options.Id);
        var directory = store.DirectoryOf(options.Id);
        CheckStatus(options, StatusProbe.Probe(state, directory));
        using var init = ContainerProcess.Open(state) ?? throw Stopped(options.Id);

        var configPath = Path.Combine(directory, "config.json");
        var config = ConfigJson.Load(configPath);
        var process = ExecProcessSpec.Build(options, config, configPath);
        var terminal = process.Terminal == true;
        CheckTerminal(options, terminal);
        var plan = Plan(options, process, config);
        var initialCpus = InitialAffinity(process);
        var cgroup = ExecCgroup.Resolve(state, options.SubCgroups);
        // The process joins its cgroup as it is born (CgroupPlacement: no whole-process migration),
        // unless execCPUAffinity.initial must apply first, outside the cgroup (then hutch moves it).
        using var placement = initialCpus is null ? cgroup?.OpenPlacement() : null;

        using var root = WhileRunning(state, options.Id, () => RootPath.OpenRoot($"/proc/{init.Pid.ToString(CultureInfo.InvariantCulture)}/root"));
        var env = WhileRunning(state, options.Id, () => ProcessEnvironment.Build(plan.Env, () => InRootLookup.Home(root, plan.Uid)));
        var path = WhileRunning(state, options.Id, () => InRootLookup.FindExecutable(root, plan.Args[0], env, plan.Cwd));
        using var namespaces = WhileRunning(state, options.Id, () => ExecNamespaces.Open(init.Pid));
        // The fds pin the namespaces; the init must still be the container's (not a reused pid).
        if (!ProcessProbe.IsAlive(state.Pid, state.PidStartTime))
        {
            throw Stopped(options.Id);
        }

        SafeFd? consoleSocket = null;
        SafeFd? pidfdSocket = null;
        Pty? pty = null;
        ForegroundTerminal? foreground = null;
        SignalForwarder? forwarder = null;
        SpawnedProcess? child = null;
        try
        {
            if (options.PidfdSocket is { Length: > 0 } pidfdPath)
            {
                pidfdSocket = Connect(pidfdPath, "--pidfd-socket", options.Id);
            }
            if (terminal)
            {
                consoleSocket = options.Detach ? Connect(options.ConsoleSocket!, "--console-socket", options.Id) : null;
                pty = OpenPty(root, process, plan, init.Pid, options.Id);
            }
            if (!options.Detach)
            {
                // Before the release: a signal that comes early is forwarded, not fatal to hutch.
                forwarder = new SignalForwarder();
            }

            var fds = new List<FdMapping>();
            if (pty is not null)
            {
                fds.AddRange([new FdMapping(pty.Peer, 0), new FdMapping(pty.Peer, 1), new FdMapping(pty.Peer, 2)]);
            }
            for (var fd = 3; fd < 3 + options.PreserveFds; fd++)
            {
                fds.Add(new FdMapping(new SafeFd(fd, ownsHandle: false), fd));
            }
            // A container without a mount namespace (none in its config) shares its creator's
            // mounts: the process changes root into the init's root (root.path, where the init
            // chrooted) instead of running in the / of whatever mount namespace it joined. The fd
            // goes in after the preserved ones and is closed once used. (runc's exec does not.)
            int? rootFd = null;
            if (!NamespacePlan.From(config).HasMount)
            {
                rootFd = 3 + options.PreserveFds;
                fds.Add(new FdMapping(root, rootFd.Value));
            }
            using var sync = new SyncPipe();
            var spawned = Spawner.Spawn(new SpawnPlan
            {
                Path = path,
                Argv = plan.Args,
                Envp = env,
                JoinNamespaces = namespaces.Joins,
                SyncFd = sync.ChildEnd,
                Fds = fds,
                ProcessSetup = Setup(plan, pty is null ? null : 0, rootFd),
                // Until its execve the child is the host's hutch, inside the container and, after
                // the process setup, with the container's capabilities (CVE-2019-5736).
                NotDumpable = Libc.geteuid() == 0,
                Cgroup = placement,
            });
            child = spawned;
            forwarder?.ForwardTo(spawned);
            sync.ChildEnd.Dispose();
            // Until the release the child waits on its sync pipe: an exec killed from here on
            // leaves nothing (the child reads EOF and exits before it ever runs the program).
            CrashPoint.Reach("exec-spawned");
            try
            {
                ExecAttributes.Apply(spawned.Pid, plan);
                if (initialCpus is not null)
                {
                    ExecAttributes.SetAffinity(spawned.Pid, initialCpus, "execCPUAffinity.initial");
                }
                if (placement is null)
                {
                    cgroup?.AddProcess(spawned.Pid);
                }
                if (plan.CpuAffinity is { } finalCpus)
                {
                    ExecAttributes.SetAffinity(spawned.Pid, finalCpus, "execCPUAffinity.final");
                }
                if (pty is not null)
                {
                    if (consoleSocket is not null)
                    {
                        ConsoleSocketClient.SendMaster(consoleSocket, pty.Master, pty.MasterName);
                        pty.CloseMaster();
                    }
                    else
                    {
                        // Foreground -t: hutch's stdio become the process's terminal (raw when a tty).
                        foreground = ForegroundTerminal.StartOnStdio(pty.Master);
                    }
                }
                if (pidfdSocket is not null)
                {
                    SendPidfd(pidfdSocket, spawned, options);
                }
                sync.Release();
                spawned.WaitForExec();
            }
            catch
            {
                sync.Abort();
                spawned.Kill(Libc.SIGKILL);
                spawned.WaitForExit();
                throw;
            }
            finally
            {
                // Only the process holds the peer now: its exit shows as a hang-up on the master.
                pty?.Peer.Dispose();
            }

            if (options.PidFile is { } pidFile)
            {
                try
                {
                    PidFile.Write(pidFile, spawned.Pid);
                }
                catch
                {
                    // As runc: exec failed, so the process must not run on unseen by the caller.
                    spawned.Kill(Libc.SIGKILL);
                    spawned.WaitForExit();
                    throw;
                }
            }

            if (options.Detach)
            {
                return 0;
            }
            var status = spawned.WaitForExit();
            if (foreground is not null)
            {
                StopTerminal(foreground, options);
            }
            return status.ShellCode;
        }
        catch (SpawnException) when (!ProcessProbe.IsAlive(state.Pid, state.PidStartTime))
        {
            throw Stopped(options.Id); // e.g. fork into a pid namespace whose init has just died
        }
        catch (SpawnException e)
        {
            throw new LifecycleException($"exec in container {options.Id}: {e.Message}", e);
        }
        catch (ProcessSetupException e)
        {
            throw new LifecycleException($"exec in container {options.Id}: {e.Message}", e);
        }
        finally
        {
            foreground?.Dispose();
            forwarder?.Dispose();
            if (foreground is null)
            {
                pty?.Dispose();
            }
            consoleSocket?.Dispose();
            pidfdSocket?.Dispose();
            child?.Dispose();
        }
    }

    private static void CheckStatus(ExecOptions options, ContainerStatus status)
    {
        switch (status)
        {
            case ContainerStatus.Stopped:
                throw Stopped(options.Id);
            case ContainerStatus.Creating:
                throw new LifecycleException($"cannot exec in container {options.Id}: it is still being created; wait for create to finish");
            case ContainerStatus.Paused when !options.IgnorePaused:
                throw new LifecycleException($"cannot exec in a paused container {options.Id} (use --ignore-paused to override, or `hutch resume {options.Id}` first)");
        }
    }

    /// <summary>
    /// Runs a step that reads the init's /proc entries (its root, its namespaces). The container
    /// may stop meanwhile: a failure once its init is gone is "container not running", the words
    /// containerd matches, not the ENOENT of a /proc path that no longer exists.
    /// </summary>
    private static T WhileRunning<T>(ContainerState state, string id, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is PathException or NamespaceException or ProcessSetupException or IOException or UnauthorizedAccessException
            && !ProcessProbe.IsAlive(state.Pid, state.PidStartTime))
        {
            throw Stopped(id);
        }
    }

    private static LifecycleException Stopped(string id) =>
        new($"cannot exec in a stopped container {id}: container not running (`hutch delete {id}` removes it)");

    /// <summary>runc's rules: a detached terminal needs a console socket; a console socket needs a detached terminal.</summary>
    private static void CheckTerminal(ExecOptions options, bool terminal)
    {
        if (options.Detach && terminal && string.IsNullOrEmpty(options.ConsoleSocket))
        {
            throw new LifecycleException(
                $"exec in container {options.Id}: cannot allocate tty if hutch will detach without setting console socket; pass --console-socket PATH or drop --tty");
        }
        if (!string.IsNullOrEmpty(options.ConsoleSocket) && (!options.Detach || !terminal))
        {
            throw new LifecycleException(
                $"exec in container {options.Id}: cannot use console socket {options.ConsoleSocket} if hutch will not detach or allocate tty; " +
                (terminal ? "add --detach, or drop --console-socket to use this terminal" : "add --tty, or drop --console-socket"));
        }
    }

    private static ProcessPlan Plan(ExecOptions options, Hutch.Spec.Process process, ContainerConfig config)
    {
        // linux.memoryPolicy is the container's: exec'd processes get it too (runc's setns init does).
        var plan = ProcessLauncher.Plan(process, config.Linux?.Seccomp, config.Linux?.Personality,
            new ProcessPlanOptions { PreserveFds = options.PreserveFds, IsExec = true }, config.Linux?.MemoryPolicy);
        SecurityLabels.Check(plan);
        plan.Capabilities = CapabilityGrant.RestrictToHeld(plan.Capabilities, plan.Warnings);
        if (plan.SeccompListenerPath is not null)
        {
            throw new LifecycleException(
                $"exec in container {options.Id}: linux.seccomp uses SCMP_ACT_NOTIFY (listenerPath {plan.SeccompListenerPath}); hutch exec cannot hand a notify fd to the agent yet");
        }
        // Here, in hutch's own mount namespace: libseccomp is the host's, never the container's.
        ProcessLauncher.CompileSeccomp(plan);
        // The config's process was warned about at create; an exec (a probe every few seconds
        // under Kubernetes) repeats those at debug level. A --process file is new: warn.
        var warn = options.ProcessFile is null ? options.Debug : options.Warn;
        foreach (var warning in plan.Warnings)
        {
            warn?.Invoke($"container {options.Id}: {warning}");
        }
        foreach (var note in plan.Notes)
        {
            options.Debug?.Invoke($"container {options.Id}: {note}");
        }
        return plan;
    }

    private static ulong[]? InitialAffinity(Hutch.Spec.Process process)
    {
        if (process.ExecCPUAffinity?.Initial is not { Length: > 0 } initial)
        {
            return null;
        }
        try
        {
            return CpuList.Parse(initial);
        }
        catch (FormatException e)
        {
            throw new ProcessSetupException("cpu affinity", $"process.execCPUAffinity.initial: {e.Message}");
        }
    }

    /// <summary>The plan in the numbers the native setup takes; CAP_SYS_ADMIN is kept until seccomp is loaded when it needs it.</summary>
    private static ProcessSetup Setup(ProcessPlan plan, int? terminalFd, int? rootFd)
    {
        var caps = plan.Capabilities;
        var effective = caps.Effective;
        var permitted = caps.Permitted;
        uint[]? after = null;
        if (plan.SeccompProgram is not null && !plan.NoNewPrivileges && !effective.Contains(CapabilityNames.SysAdmin))
        {
            after = new uint[6];
            ThreadCapabilities.ToWords(effective, permitted, caps.Inheritable, after);
            effective = effective.With(CapabilityNames.SysAdmin);
            permitted = permitted.With(CapabilityNames.SysAdmin);
        }
        var words = new uint[6];
        ThreadCapabilities.ToWords(effective, permitted, caps.Inheritable, words);
        return new ProcessSetup
        {
            Uid = plan.Uid,
            Gid = plan.Gid,
            AdditionalGids = plan.AdditionalGids,
            Umask = plan.Umask,
            Cwd = plan.Cwd,
            TerminalFd = terminalFd,
            RootFd = rootFd,
            Bounding = caps.Bounding,
            Capabilities = words,
            Ambient = caps.Ambient,
            LastCapability = caps.LastCapability,
            Personality = plan.Personality,
            MemoryPolicy = plan.MemoryPolicy?.Policy,
            NoNewPrivileges = plan.NoNewPrivileges,
            Seccomp = plan.SeccompProgram,
            CapabilitiesAfterSeccomp = after,
        };
    }

    /// <summary>Connects to a listener the caller gave by path (before the spawn: a missing socket starts nothing).</summary>
    private static SafeFd Connect(string path, string flag, string id)
    {
        try
        {
            return ConsoleSocket.Connect(path);
        }
        catch (TerminalException e)
        {
            throw new LifecycleException($"exec in container {id}: {flag}: {e.Message}", e);
        }
    }

    private static void SendPidfd(SafeFd socket, SpawnedProcess process, ExecOptions options)
    {
        if (process.PidFd.IsInvalid)
        {
            throw new LifecycleException($"exec in container {options.Id}: --pidfd-socket: this kernel has no pidfds (Linux 5.3+)");
        }
        try
        {
            ConsoleSocket.SendFd(socket, process.PidFd, "pidfd", options.PidfdSocket!);
        }
        catch (TerminalException e)
        {
            throw new LifecycleException($"exec in container {options.Id}: --pidfd-socket: {e.Message}", e);
        }
    }

    /// <summary>
    /// A pty on the container's devpts instance (its pts/ptmx resolved inside the init's root),
    /// sized from process.consoleSize, its peer owned by the process's user (host ids through the
    /// container's maps).
    /// </summary>
    private static Pty OpenPty(SafeFd root, Hutch.Spec.Process process, ProcessPlan plan, int initPid, string id)
    {
        Pty pty;
        try
        {
            pty = OpenContainerPtmx(root);
        }
        catch (TerminalException e)
        {
            throw new LifecycleException($"exec in container {id}: {e.Message}", e);
        }
        try
        {
            if (process.ConsoleSize is { } box && WindowSize.FromConsoleSize(box.Height, box.Width) is { } size)
            {
                pty.SetWindowSize(size);
            }
            var uid = ExecNamespaces.ToHostId(initPid, plan.Uid, group: false) ??
                      throw new LifecycleException($"exec in container {id}: uid {plan.Uid} is not mapped in the container's user namespace");
            var gid = ExecNamespaces.ToHostId(initPid, plan.Gid, group: true) ??
                      throw new LifecycleException($"exec in container {id}: gid {plan.Gid} is not mapped in the container's user namespace");
            pty.SetPeerOwner(uid, gid);
            return pty;
        }
        catch (TerminalException e)
        {
            pty.Dispose();
            throw new LifecycleException($"exec in container {id}: {e.Message}", e);
        }
        catch
        {
            pty.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A pty master from the container's /dev/pts/ptmx, opened read-write only once it is known to
    /// be the ptmx device (5:2) of a devpts filesystem: hutch opens it as the host's root, and a
    /// container without a devpts of its own chooses what that path is (a FIFO, whose open would
    /// release a blocked writer inside, or a device node it made, whose open bypasses its device
    /// cgroup). The path is resolved to an O_PATH fd, checked, and reopened through /proc/self/fd.
    /// </summary>
    private static Pty OpenContainerPtmx(SafeFd root)
    {
        const string ptmx = "/dev/pts/ptmx";
        const string where = ptmx + " (inside the container's root)";
        var rc = RootPath.TryOpen(root, ptmx, PathSyscalls.O_PATH, out var pinned);
        using (pinned)
        {
            if (rc < 0)
            {
                throw new TerminalException("open pty master", where, -rc,
                    -rc == Errno.ENOENT ? "the container needs a devpts mount on /dev/pts" : null);
            }
            Pty.VerifyMaster(pinned, where);
            rc = Libc.hutch_fd_fs_magic(pinned.Fd, out var magic);
            if (rc < 0)
            {
                throw new TerminalException("inspect the filesystem of", where, -rc);
            }
            if (magic != Libc.TerminalConstants.DEVPTS_SUPER_MAGIC)
            {
                throw new TerminalException("use as pty master", where, 0,
                    $"it is on a filesystem of type 0x{magic.ToString("x", CultureInfo.InvariantCulture)}, not devpts; the container needs a devpts mount on /dev/pts");
            }
            rc = Libc.OpenAt(null, RootPath.ProcFdPath(pinned), Libc.O_RDWR | Libc.O_NOCTTY, 0, out var master);
            GC.KeepAlive(pinned);
            if (rc < 0)
            {
                master.Dispose();
                throw new TerminalException("open pty master", where, -rc);
            }
            return Pty.FromMaster(master, ptmx);
        }
    }

    private static void StopTerminal(ForegroundTerminal terminal, ExecOptions options)
    {
        try
        {
            terminal.Stop(TimeSpan.FromSeconds(1));
        }
        catch (TerminalException e)
        {
            options.Warn?.Invoke($"container {options.Id}: {e.Message}");
        }
    }
}
