using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Linux.Seccomp;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.Processes;
using Hutch.Runtime.Rootfs;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Init;

/// <summary>
/// `hutch init`: the container's init, run from the init executable (InitExecutable) inside
/// the container's namespaces (InitProtocol.cs draws the whole exchange). It never prints: stdio belong to the
/// container; every failure goes back to the parent (before ready) or to `start` through the
/// exec fifo (after it).
/// </summary>
internal static class InitProcess
{
    /// <summary>The init's exit status; when all goes well it never returns (execve).</summary>
    public static int Run()
    {
        var fdText = Environment.GetEnvironmentVariable(InitChannel.FdVariable);
        if (!int.TryParse(fdText, NumberStyles.None, CultureInfo.InvariantCulture, out var socketFd))
        {
            Console.Error.WriteLine("hutch: `hutch init` is the container's init, started by `hutch create`; do not run it by hand");
            return 1;
        }

        InitBootstrap boot;
        ContainerConfig config;
        SafeFd fifo;
        SafeFd? procFds = null;
        ProcessPlan? plan = null;
        Pty? pty = null;
        using (var channel = new InitChannel(new SafeFd(socketFd)))
        {
            try
            {
                boot = channel.Receive() as InitBootstrap ?? throw new InitException("the init did not get its bootstrap message first");
                using var consoleSocket = boot.ConsoleSocketFd is { } consoleFd ? new SafeFd(consoleFd) : null;
                if (boot.UnshareCgroupNamespace)
                {
                    // This process joined the container's cgroup as it was born (CgroupPlacement):
                    // the namespace's root is that cgroup.
                    var unshared = Libc.unshare((int)Hutch.Linux.Namespaces.NamespaceKind.Cgroup);
                    if (unshared < 0)
                    {
                        throw new InitException($"unshare the cgroup namespace: {Errno.Describe(Libc.LastErrno)}");
                    }
                }
                config = ConfigJson.Parse(Encoding.UTF8.GetBytes(boot.ConfigJson));
                var keyringWarning = boot.NoNewKeyring ? null : SessionKeyring.JoinNew(boot.Id);
                // Planned first: a bad capability or rlimit name fails create before any mount.
                plan = Plan(boot, config);
                if (plan is not null)
                {
                    // While the host's root is still ours: libseccomp is loaded from the host.
                    ProcessLauncher.CompileSeccomp(plan);
                }
                var rc = Libc.OpenAt(null, boot.ExecFifoPath, Libc.O_PATH, 0, out fifo);
                if (rc < 0)
                {
                    throw new InitException($"open the exec fifo {boot.ExecFifoPath}: {Errno.Describe(-rc)}");
                }
                using var rootfs = boot.MountNamespace
                    ? new RootfsBuilder(config, boot.Rootfs, new RootfsOptions
                    {
                        NoPivot = boot.NoPivot,
                        Bundle = boot.Bundle,
                        BindDevices = boot.UserNamespace,
                        IdMappedTree = (index, source) => RequestIdMappedTree(channel, index, source),
                    })
                    : null;
                rootfs?.Prepare();

                channel.Send(new InitRunHooks());
                switch (channel.Receive())
                {
                    case InitHooksDone:
                        break;
                    case InitError:
                        return 1; // the parent failed and reports it
                    case var other:
                        throw new InitException($"expected hooksDone from the parent, got {other?.GetType().Name ?? "end of stream"}");
                }

                HookRunner.RunAll(config.Hooks, HookPhase.CreateContainer, () => OciState(boot, config, ContainerStatus.Creating));
                if (rootfs is not null)
                {
                    rootfs.PivotRoot();
                }
                else
                {
                    // No mount namespace: nothing may be mounted (refused at create), but the process
                    // still runs in root.path, as with runc and crun, never in the host's /. The
                    // rootfs may have no /proc: the fifo is reopened through the host's, held here.
                    procFds = OpenProcSelfFd();
                    ChangeRoot(boot.Rootfs);
                }
                if (consoleSocket is not null)
                {
                    // After pivot_root (the container's devpts), before FinishAfterPivot may make /dev read-only.
                    pty = InitConsole.Open(consoleSocket, config.Process!, ownMountNamespace: rootfs is not null);
                }
                if (rootfs is not null && consoleSocket is null && DeviceNodes.NeedsDevSetup(config))
                {
                    InitConsole.ReopenDevNull();
                }
                if (rootfs is not null)
                {
                    rootfs.FinishAfterPivot();
                }
                else
                {
                    UtsNames.Set(config.Hostname, config.Domainname);
                }
                if (plan is not null)
                {
                    ProcessLauncher.Resolve(plan);
                    // On this thread, the one that execs: a policy the kernel refuses fails create.
                    ProcessLauncher.ApplyMemoryPolicy(plan);
                    if (pty is not null)
                    {
                        // Before "ready", as runc does: the init lets go of the caller's stdio now.
                        // containerd's shim waits for EOF on the pipes it gave `create` before it
                        // runs `start`; holding them until the exec would hang `ctr run -t`.
                        InitConsole.AttachBeforeExec(pty, plan.Uid, plan.Gid);
                    }
                    else
                    {
                        // Without a terminal too, the init leads a session of its own, as runc's
                        // (nsexec's setsid): one led from outside its pid namespace cannot be checkpointed.
                        InitConsole.LeadOwnSession();
                    }
                }
                var warnings = new List<string>();
                if (keyringWarning is not null)
                {
                    warnings.Add(keyringWarning);
                }
                warnings.AddRange(plan?.Warnings ?? []);
                channel.Send(new InitReady { Warnings = warnings });
                if (!AwaitCommit(channel))
                {
                    pty?.Dispose();
                    return 1; // the parent failed after ready, and reports it (or died: the parent-death signal ends us)
                }
            }
#pragma warning disable CA1031 // every failure of the init goes back to the parent as its create error
            catch (Exception e)
#pragma warning restore CA1031
            {
                pty?.Dispose();
                procFds?.Dispose();
                TrySend(channel, IoErrors.MessageOf(e));
                return 1;
            }
        }

        using (pty)
        using (procFds)
        {
            return WaitForStartAndExec(boot, config, fifo, procFds, plan, pty);
        }
    }

    /// <summary>
    /// Waits for the parent's commit and stops dying with it: until now this process had the
    /// parent-death signal (SpawnPlan.DieWithParent, on this, the main thread), so a create killed
    /// before its commit took the init along. False when the parent failed instead.
    /// </summary>
    private static bool AwaitCommit(InitChannel channel)
    {
        switch (channel.Receive())
        {
            case InitCommit:
                var rc = ParentDeathSignal.Clear();
                if (rc < 0)
                {
                    throw new InitException($"clear the parent-death signal (prctl PR_SET_PDEATHSIG 0): {Errno.Describe(-rc)}");
                }
                channel.Send(new InitCommitted());
                return true;
            case InitError:
            case null:
                return false;
            case var other:
                throw new InitException($"expected commit from the parent, got {other.GetType().Name}");
        }
    }

    /// <summary>
    /// Asks the create parent for the id-mapped copy of mounts[<paramref name="index"/>]'s source
    /// (InitIdMapRequest with the source's fd) and returns the detached copy it sends back.
    /// </summary>
    private static SafeFd RequestIdMappedTree(InitChannel channel, int index, SafeFd source)
    {
        channel.Send(new InitIdMapRequest { MountIndex = index });
        channel.SendFd(source, $"the source of mounts[{index}]");
        return channel.Receive() switch
        {
            InitIdMapped => channel.ReceiveFd($"the id-mapped copy of mounts[{index}]"),
            // The parent reports its own error as create's; this text only ends the init.
            InitError error => throw new InitException(error.Message),
            var other => throw new InitException($"expected idMapped from the parent, got {other?.GetType().Name ?? "end of stream"}"),
        };
    }

    /// <summary>Blocks on exec.fifo until `start`, then startContainer hooks, the terminal as stdio, and execve.</summary>
    private static int WaitForStartAndExec(InitBootstrap boot, ContainerConfig config, SafeFd fifoPath, SafeFd? procFds, ProcessPlan? plan, Pty? pty)
    {
        // Reopen the fifo (opened O_PATH before pivot_root) for writing: blocks until start reads.
        // Through the container's /proc, or the host's /proc/self/fd held across a chroot.
        var number = fifoPath.Fd.ToString(CultureInfo.InvariantCulture);
        var rc = Libc.OpenAt(procFds, procFds is null ? "/proc/self/fd/" + number : number, Libc.O_WRONLY, 0, out var fifo);
        fifoPath.Dispose();
        procFds?.Dispose();
        if (rc < 0)
        {
            return 1; // start sees no byte and a dead init
        }
        using (fifo)
        {
            if (Libc.Write(fifo, "0"u8) != 1)
            {
                return 1;
            }
            try
            {
                // `start` refuses a config without process before it opens the fifo; checked again
                // before the hooks all the same: nothing runs for a start that cannot succeed.
                if (plan is null)
                {
                    throw new InitException($"container {boot.Id} has no process to start: config.json has no \"process\"");
                }
                HookRunner.RunAll(config.Hooks, HookPhase.StartContainer, () => OciState(boot, config, ContainerStatus.Created));
                ProcessLauncher.Exec(plan);
                return 1; // not reached: Exec returns only by throwing
            }
#pragma warning disable CA1031 // reported to `start` through the fifo
            catch (Exception e)
#pragma warning restore CA1031
            {
                Libc.Write(fifo, Encoding.UTF8.GetBytes(IoErrors.MessageOf(e)));
                return 1;
            }
        }
    }

    /// <summary>This process's /proc/self/fd, O_PATH (closed before the process execs).</summary>
    private static SafeFd OpenProcSelfFd()
    {
        var rc = Libc.OpenAt(null, "/proc/self/fd", Libc.O_PATH | Libc.O_DIRECTORY, 0, out var fds);
        if (rc < 0)
        {
            fds.Dispose();
            throw new InitException($"open /proc/self/fd: {Errno.Describe(-rc)}");
        }
        return fds;
    }

    /// <summary>chroot into <paramref name="rootfs"/> and chdir to its /.</summary>
    private static void ChangeRoot(string rootfs)
    {
        Hutch.Linux.Mounts.Mounter.Chroot(rootfs);
        var rc = Hutch.Linux.Paths.PathSyscalls.Chdir("/");
        if (rc < 0)
        {
            throw new InitException($"chdir to / in {rootfs} after chroot: {Errno.Describe(-rc)}");
        }
    }

    /// <summary>The process plan (null without process), with LISTEN_FDS added to its env and the seccomp listener connected while host paths are visible.</summary>
    private static ProcessPlan? Plan(InitBootstrap boot, ContainerConfig config)
    {
        if (config.Process is not { } process)
        {
            return null;
        }
        if (boot.ListenFds is { } listenFds)
        {
            process.Env = [.. process.Env ?? [], "LISTEN_FDS=" + listenFds.ToString(CultureInfo.InvariantCulture), "LISTEN_PID=1"];
        }
        var listener = config.Linux?.Seccomp?.ListenerPath is { Length: > 0 } listenerPath ? SeccompListener.Connect(listenerPath) : null;
        return ProcessLauncher.Plan(process, config.Linux?.Seccomp, config.Linux?.Personality, new ProcessPlanOptions
        {
            PreserveFds = boot.PreservedFds,
            ContainerState = StateJson.ToOci(State(boot, config, ContainerStatus.Running), ContainerStatus.Running),
            ListenerSocket = listener,
        }, config.Linux?.MemoryPolicy);
    }

    private static ContainerState State(InitBootstrap boot, ContainerConfig config, ContainerStatus status) => new()
    {
        OciVersion = DefaultConfig.OciVersion,
        Id = boot.Id,
        Status = status,
        Pid = boot.HostPid,
        Bundle = boot.Bundle,
        Annotations = config.Annotations,
        Rootfs = boot.Rootfs,
    };

    private static byte[] OciState(InitBootstrap boot, ContainerConfig config, ContainerStatus status) =>
        StateJson.ToOciJsonUtf8(State(boot, config, status), status);

    private static void TrySend(InitChannel channel, string message)
    {
        try
        {
            channel.Send(new InitError { Message = message });
        }
        catch (InitException)
        {
            // The parent is gone; it reports the init's exit.
        }
    }
}
