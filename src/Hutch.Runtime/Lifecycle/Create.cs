using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Processes;
using Hutch.Linux.Spawn;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Cgroups.Systemd;
using Hutch.Runtime.Consoles;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.Init;
using Hutch.Runtime.IntelRdt;
using Hutch.Runtime.NetDevices;
using Hutch.Runtime.Processes;
using Hutch.Runtime.Rootfs;
using Hutch.Runtime.Rootless;
using Hutch.Runtime.State;
using Hutch.Runtime.Transactions;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `create` (DESIGN.md section 3, the exchange drawn in Init/InitProtocol.cs): validate, claim
/// the id, spawn the init from the sealed self-copy in the config's namespaces, map ids, release
/// it, serve its hook request, and on "ready" commit: the init stops dying with hutch, state.json
/// and the pid file are written. Every side effect is journaled first (Transactions/CreateJournal):
/// any failure runs the undo stack in-process, and a create killed at any point leaves the
/// journal, which `delete` replays (Transactions/UndoStack.cs). The first error is kept, with any
/// cleanup error.
/// </summary>
internal static class Create
{
    /// <summary>Creates the container; the init waits on exec.fifo for `start` when this returns.</summary>
    public static CreatedContainer Run(CreateOptions options) => Run(options, detach: true, out _);

    /// <summary>
    /// Creates the container. <paramref name="detach"/> false is `run` in the foreground: with
    /// process.terminal the pty master comes back over an internal socket pair as
    /// <paramref name="terminalMaster"/> (the caller owns it), else null. Detached (`create`,
    /// `run --detach`), a terminal needs --console-socket, which receives the master.
    /// </summary>
    public static CreatedContainer Run(CreateOptions options, bool detach, out SafeFd? terminalMaster)
    {
        terminalMaster = null;
        ContainerId.Validate(options.Id);
        var layout = CgroupLayout.Detect();
        var bundle = Path.GetFullPath(options.Bundle ?? Directory.GetCurrentDirectory());
        var configPath = options.ConfigPath is { } given ? Path.GetFullPath(given) : Path.Combine(bundle, "config.json");
        var configBytes = ReadConfig(configPath);
        var config = ConfigJson.Parse(configBytes, configPath);
        foreach (var warning in ConfigValidator.EnsureValid(config).Warnings)
        {
            options.Warn?.Invoke($"{configPath}: {warning}");
        }
        RootfsPreflight.Check(config, Path.GetFullPath(config.Root!.Path, bundle));
        // Before the id is claimed: what rootless hutch cannot do, and a resource this host
        // cannot apply, fail with nothing to undo.
        RootlessLimits.Check(config, configPath, options.Rootless);
        if (config.Linux?.Resources is { } resources)
        {
            _ = ResourcePlan.For(resources, layout);
        }
        // A memory node this host does not have, or Intel RDT, fails here, with nothing to undo.
        MemoryNodes.CheckExist(config.Linux?.MemoryPolicy);
        IntelRdtSupport.Check(config.Linux?.IntelRdt);
        SecurityLabels.CheckMountLabel(config.Linux?.MountLabel, options.Debug);
        var terminal = config.Process?.Terminal == true;
        CheckTerminal(options, configPath, terminal, detach);
        var namespaces = NamespacePlan.From(config);
        var listenFds = ListenFds();
        var preserved = (listenFds ?? 0) + options.PreserveFds;

        // Before the id is claimed: a bad systemd cgroupsPath or an unreachable systemd leaves nothing behind.
        using var scope = options.SystemdCgroup ? SystemdScope.Prepare(config, options.Id, layout, options.Rootless, options.Warn) : null;
        if (scope is not null)
        {
            options.Debug?.Invoke($"systemd cgroup driver: unit {scope.Unit.Name} in {scope.Unit.Slice}, cgroup {scope.CgroupPath}: {string.Join(", ", scope.Properties)}");
        }

        // Before the id is claimed: a missing console socket leaves nothing behind.
        var (consoleRuntimeEnd, consoleInitEnd) = OpenConsoleSocket(options, terminal, detach);
        using (consoleRuntimeEnd)
        using (consoleInitEnd)
        {
            return Run(options, config, configBytes, configPath, bundle, namespaces, layout, scope, listenFds, preserved,
                consoleRuntimeEnd, consoleInitEnd, out terminalMaster);
        }
    }

    private static CreatedContainer Run(CreateOptions options, ContainerConfig config, byte[] configBytes, string configPath, string bundle,
        NamespacePlan namespaces, CgroupLayout layout, SystemdScope? scope, int? listenFds, int preserved, SafeFd? consoleRuntimeEnd, SafeFd? consoleInitEnd,
        out SafeFd? terminalMaster)
    {
        terminalMaster = null;
        var rootfs = Path.GetFullPath(config.Root!.Path, bundle);
        var store = new StateStore(options.Root);
        var directory = store.Claim(options.Id);
        var created = DateTimeOffset.UtcNow;
        CrashPoint.Reach("claimed");
        CreateTransaction? transaction = null;
        SpawnedProcess? init = null;
        NetDeviceMover? netDevices = null;
        SafeFd? containerNetns = null;
        SafeFd? master = null;
        try
        {
            // The journal first: from here on every side effect is written down before it happens,
            // and a create killed at any point is undone by `delete` (Transactions/UndoStack.cs).
            transaction = CreateTransaction.Begin(directory.Path, new BeginEntry
            {
                Id = options.Id,
                Bundle = bundle,
                Rootfs = rootfs,
                Created = created,
                Owner = ContainerOwner.Of(Libc.geteuid()),
                OwnsPidNamespace = namespaces.New.Contains(NamespaceKind.Pid),
            });
            CrashPoint.Reach("journal-begun");
            var fifo = directory.CreateExecFifo();
            var fifoInInit = fifo;
            directory.WriteConfigCopy(configBytes);

            // cgroupfs: limits first, then the init: it never runs a moment unlimited, and it joins
            // the cgroup by itself as it is born (CgroupPlacement). Always applied: without
            // linux.resources the default device rules still hold (runc). Rootless, there may
            // be no cgroup at all (ContainerCgroup.Create says when). systemd: the unit is
            // started with the init's pid below, while the init is held before its exec; its
            // journal entry comes first, so that its undo runs after the init's (a scope is
            // stopped once it is empty, never while systemd would have to wait out a SIGTERM).
            Cgroup? cgroup = null;
            if (scope is null)
            {
                transaction.Record(CgroupIntentEntry.For(layout, ContainerCgroup.PathFor(config, options.Id)));
                cgroup = ContainerCgroup.Create(config, options.Id, layout, options.Rootless, options.Warn, options.Debug);
                transaction.Record(new CgroupMadeEntry
                {
                    Directories = cgroup is null ? [] : new Dictionary<string, string>(cgroup.Directories, StringComparer.Ordinal),
                    Made = cgroup is null ? [] : [.. cgroup.Made],
                });
            }
            else
            {
                transaction.Record(new SystemdUnitEntry
                {
                    Unit = scope.Unit.Name,
                    UserManager = scope.UserManager,
                    CgroupIntent = CgroupIntentEntry.For(layout, scope.CgroupPath),
                });
            }
            CrashPoint.Reach("cgroup-made");
            using var placement = cgroup?.OpenPlacement();

            using var initExecutable = InitExecutable.Open();
            options.Debug?.Invoke(initExecutable.Describe());
            var rc = Libc.UnixSocketPair(Libc.TerminalConstants.SOCK_STREAM, out var parentEnd, out var childEnd);
            if (rc < 0)
            {
                throw new InitException($"create the init socket pair: {Errno.Describe(-rc)}");
            }
            using var channel = new InitChannel(parentEnd);
            using (childEnd)
            using (var sync = new SyncPipe())
            using (var joins = namespaces.OpenJoins())
            {
                var socketTarget = 3 + preserved;
                var fds = new List<FdMapping>();
                for (var fd = 3; fd < 3 + preserved; fd++)
                {
                    fds.Add(new FdMapping(new SafeFd(fd, ownsHandle: false), fd));
                }
                fds.Add(new FdMapping(childEnd, socketTarget));
                if (consoleInitEnd is not null)
                {
                    fds.Add(new FdMapping(consoleInitEnd, ConsoleFdInInit(preserved)));
                }
                // The exec fifo goes in as an O_PATH fd, last: the state root is 0700, out of reach
                // of a user namespace's root (not host root); the fifo itself is 0622 (runc passes it too).
                using var fifoFd = OpenExecFifo(fifo);
                var fifoTarget = fds.Max(map => map.Target) + 1;
                fds.Add(new FdMapping(fifoFd, fifoTarget));
                fifoInInit = "/proc/self/fd/" + fifoTarget.ToString(CultureInfo.InvariantCulture);
                init = Spawner.Spawn(new SpawnPlan
                {
                    Path = initExecutable.NameForErrors,
                    ExecFd = initExecutable.Fd,
                    Argv = ["hutch", "init"],
                    Envp = [InitChannel.FdVariable + "=" + socketTarget.ToString(CultureInfo.InvariantCulture)],
                    NewNamespaces = namespaces.Cloned,
                    JoinNamespaces = joins.Joins,
                    // Written by the spawn's intermediate child before the init is born inside.
                    TimeOffsets = namespaces.New.Contains(NamespaceKind.Time) ? TimeOffsets(config.Linux?.TimeOffsets) : null,
                    SyncFd = sync.ChildEnd,
                    Fds = fds,
                    // In a user namespace the init must be its root before exec (after the maps
                    // below), or execve drops every capability. Groups are cleared only where
                    // setgroups is "allow": a new namespace whose maps root writes.
                    BecomeRoot = namespaces.HasUser,
                    ClearGroups = namespaces.New.Contains(NamespaceKind.User) && Libc.geteuid() == 0,
                    // Until it execs the init executable, the child is the host's hutch (CVE-2019-5736).
                    NotDumpable = Libc.geteuid() == 0,
                    Cgroup = placement,
                    // Until the commit the init dies with this create (this is the main thread,
                    // which lives as long as the command): a killed create leaves no init behind.
                    DieWithParent = true,
                });
                // Spawn returned: the init exists. Until this entry, a create killed leaves an init
                // that dies with it (the parent-death signal, or EOF on its sync pipe).
                transaction.Record(new InitEntry
                {
                    Pid = init.Pid,
                    StartTime = ProcStat.StartTime(init.Pid) ?? throw new InitException($"the init (pid {init.Pid}) exited at once"),
                });
                CrashPoint.Reach("init-spawned");
                sync.ChildEnd.Dispose();
                // Only the init holds its console socket now: an init that dies shows as EOF, not a hang.
                consoleInitEnd?.Dispose();

                if (scope is not null)
                {
                    // systemd moves the held init into the new unit; the limits are in place before it runs anything.
                    cgroup = scope.Start(init.Pid, () => transaction.Record(new SystemdUnitStartedEntry()));
                }
                if (namespaces.New.Contains(NamespaceKind.User))
                {
                    var uids = Entries(config.Linux?.UidMappings);
                    var gids = Entries(config.Linux?.GidMappings);
                    var euid = Libc.geteuid();
                    if (euid != 0 && ShadowIdMap.Needed(uids, gids, euid, Libc.getegid()))
                    {
                        ShadowIdMap.Write(init.Pid, uids, gids); // a user's subordinate ranges (runc does the same)
                    }
                    else
                    {
                        IdMap.Write(init.Pid, uids, gids, privileged: euid == 0);
                    }
                }
                // Net devices: the child is in its namespaces and has not exec'd; prestart and
                // createRuntime hooks come later and see the devices already inside.
                if (config.Linux?.NetDevices is { Count: > 0 } devices)
                {
                    containerNetns = OpenNetworkNamespace(namespaces, init.Pid);
                    netDevices = NetDeviceMover.Prepare(devices, containerNetns);
                    MoveNetDevices(transaction, netDevices, namespaces, containerNetns, directory.Path);
                }
                sync.Release();
                init.WaitForExec();
                CrashPoint.Reach("released");
            }

            var state = new ContainerState
            {
                OciVersion = DefaultConfig.OciVersion,
                Id = options.Id,
                Status = ContainerStatus.Creating,
                Pid = init.Pid,
                PidStartTime = transaction.Undo.Init!.StartTime,
                Bundle = bundle,
                Annotations = config.Annotations,
                Created = created,
                Rootfs = rootfs,
                Owner = ContainerOwner.Of(Libc.geteuid()),
                OwnsNetworkNamespace = namespaces.New.Contains(NamespaceKind.Network),
                OwnsPidNamespace = namespaces.New.Contains(NamespaceKind.Pid),
                Cgroup = cgroup is null ? [] : new Dictionary<string, string>(cgroup.Directories, StringComparer.Ordinal),
                SystemdUnit = scope?.Unit.Name,
                SystemdUserManager = scope?.UserManager == true,
            };

            channel.Send(new InitBootstrap
            {
                Id = options.Id,
                ConfigJson = Encoding.UTF8.GetString(configBytes),
                Bundle = bundle,
                Rootfs = rootfs,
                NoPivot = options.NoPivot,
                NoNewKeyring = options.NoNewKeyring,
                ExecFifoPath = fifoInInit,
                StateDirectory = directory.Path,
                HostPid = init.Pid,
                PreservedFds = preserved,
                ListenFds = listenFds,
                UserNamespace = namespaces.HasUser,
                MountNamespace = namespaces.HasMount,
                UnshareCgroupNamespace = namespaces.UnsharesCgroup,
                ConsoleSocketFd = consoleInitEnd is null ? null : ConsoleFdInInit(preserved),
            });
            ServeInit(channel, init, config, state, options.Warn);
            if (consoleRuntimeEnd is not null)
            {
                // The init sent the master before it reported ready: it is waiting in the socket.
                master = ConsoleSocket.ReceiveFd(consoleRuntimeEnd, $"the console socket of container {options.Id}", out _, timeoutMs: 10_000);
            }
            CrashPoint.Reach("ready");

            Commit(channel, store, state, directory.Path);
            if (options.PidFile is { } pidFile)
            {
                PidFile.Write(pidFile, init.Pid);
            }
            CrashPoint.Reach("pid-file");
            // The end: a create killed before this line is undone by `delete` (journal and all).
            transaction.Complete();
            directory.Dispose();
            netDevices?.Dispose(); // the devices stay in the container (the spec: not moved out before delete)
            containerNetns?.Dispose();
            terminalMaster = master;
            return new CreatedContainer(state, init);
        }
        catch (Exception first)
        {
            master?.Dispose();
            // The undo stack, newest first: devices back (while containerNetns pins their namespace),
            // the pin unmounted, the init killed and reaped, the cgroup removed.
            var cleanup = transaction?.Abort(new UndoContext { Id = options.Id, LiveInit = init, LiveNetns = containerNetns, Warn = options.Warn }) ?? [];
            transaction?.Dispose();
            netDevices?.Dispose();
            containerNetns?.Dispose();
            init?.Dispose();
            if (cleanup.Count == 0)
            {
                try
                {
                    store.Remove(options.Id);
                }
                catch (StateException e)
                {
                    cleanup.Add(e.Message);
                }
            }
            else
            {
                // The journal stays, and with it the container: `delete --force` retries what failed.
                cleanup.Add($"the container stays, with its journal: `hutch delete --force {options.Id}` retries");
            }
            directory.Dispose();
            if (cleanup.Count > 0)
            {
                throw new LifecycleException($"{first.Message} (and cleaning up failed: {string.Join("; ", cleanup)})", first);
            }
            throw;
        }
    }

    /// <summary>
    /// Moves the devices, each journaled (with the ifindex it gets inside) before its move. A
    /// network namespace hutch made is first pinned by a bind mount in the state directory: if
    /// this create dies, its init dies too (parent-death signal), and without the pin the
    /// namespace would end with it, destroying virtual devices before `delete` can move them back.
    /// </summary>
    private static void MoveNetDevices(CreateTransaction transaction, NetDeviceMover netDevices, NamespacePlan namespaces,
        SafeFd containerNetns, string directory)
    {
        string path;
        if (namespaces.New.Contains(NamespaceKind.Network))
        {
            path = Path.Combine(directory, NetnsPinName);
            transaction.Record(new NetnsPinEntry { Path = path });
            NamespacePin.Pin(containerNetns, path);
            CrashPoint.Reach("netns-pinned");
        }
        else
        {
            path = namespaces.Joined.First(j => j.Kind == NamespaceKind.Network).Path;
        }
        var (device, inode) = NetworkNamespace.IdentityOf(containerNetns);
        transaction.Record(new NetnsEntry { Path = path, Device = device, Inode = inode });
        var ordinal = 0;
        netDevices.MoveAll((record, index) =>
        {
            transaction.Record(DevicesUndo.Entry(record, index));
            CrashPoint.Reach("device-" + (ordinal++).ToString(CultureInfo.InvariantCulture));
        });
        CrashPoint.Reach("devices-moved");
    }

    /// <summary>
    /// The commit: the init stops dying with this process (it acknowledges), the namespace pin goes
    /// (the devices' namespace lives with the init from now on, as the spec wants), and state.json
    /// is written: from then on the container is created for every command. Its journal stays until
    /// the pid file is written too: a create killed in between failed for its caller, and `delete`
    /// still undoes it whole (devices back first).
    /// </summary>
    private static void Commit(InitChannel channel, StateStore store, ContainerState state, string directory)
    {
        channel.Send(new InitCommit());
        switch (channel.Receive())
        {
            case InitCommitted:
                break;
            case InitError error:
                throw new InitException(error.Message);
            case null:
                throw new InitException("the container's init closed its socket instead of acknowledging the commit");
            case var other:
                throw new InitException($"the init sent an unexpected {other.GetType().Name} instead of acknowledging the commit");
        }
        CrashPoint.Reach("committing");
        var pin = Path.Combine(directory, NetnsPinName);
        if (File.Exists(pin))
        {
            NamespacePin.Unpin(pin);
        }
        CrashPoint.Reach("unpinned");
        state.Status = ContainerStatus.Created;
        store.Save(state);
        CrashPoint.Reach("committed");
    }

    /// <summary>The file in the state directory a network namespace hutch made is pinned on during create.</summary>
    private const string NetnsPinName = "netns";

    /// <summary>The init's console socket: right after its init socket (3 + preserved).</summary>
    private static int ConsoleFdInInit(int preserved) => 4 + preserved;

    /// <summary>runc's rules: a detached terminal needs a console socket; a console socket needs a detached terminal.</summary>
    private static void CheckTerminal(CreateOptions options, string configPath, bool terminal, bool detach)
    {
        if (detach && terminal && options.ConsoleSocket is null)
        {
            throw new LifecycleException(
                $"container {options.Id}: cannot allocate tty if hutch will detach without setting console socket: process.terminal is true in {configPath}; pass --console-socket PATH (a listening unix socket that receives the pty master), or set \"terminal\": false");
        }
        if (options.ConsoleSocket is { } path && (!detach || !terminal))
        {
            throw new LifecycleException(
                $"container {options.Id}: cannot use console socket {path} if hutch will not detach or allocate tty: "
                + (terminal ? "`run` in the foreground bridges the terminal to its own stdio; drop --console-socket or add --detach"
                            : $"process.terminal is false in {configPath}; drop --console-socket or set \"terminal\": true"));
        }
    }

    /// <summary>
    /// The console socket the init sends the pty master over, connected here (the init cannot
    /// reach a host path after pivot_root): (null, the connection to --console-socket) when
    /// detached, (hutch's end, the init's end) of a socket pair for `run` in the foreground,
    /// (null, null) without a terminal.
    /// </summary>
    private static (SafeFd? RuntimeEnd, SafeFd? InitEnd) OpenConsoleSocket(CreateOptions options, bool terminal, bool detach)
    {
        if (!terminal)
        {
            return (null, null);
        }
        if (!detach)
        {
            var (runtimeEnd, initEnd) = ConsoleSocket.CreatePair();
            return (runtimeEnd, initEnd);
        }
        try
        {
            return (null, ConsoleSocketClient.Connect(options.ConsoleSocket!));
        }
        catch (TerminalException e)
        {
            throw new LifecycleException($"container {options.Id}: --console-socket: {e.Message}", e);
        }
    }

    /// <summary>Answers the init until it is ready: runs prestart and createRuntime hooks when it asks.</summary>
    private static void ServeInit(InitChannel channel, SpawnedProcess init, ContainerConfig config, ContainerState state, Action<string>? warn)
    {
        while (true)
        {
            var message = channel.Receive();
            switch (message)
            {
                case InitReady ready:
                    foreach (var warning in ready.Warnings)
                    {
                        warn?.Invoke($"container {state.Id}: {warning}");
                    }
                    return;
                case InitError error:
                    throw new InitException(error.Message);
                case InitIdMapRequest request:
                    ServeIdMapRequest(channel, init, config, request.MountIndex);
                    break;
                case InitRunHooks:
                    CrashPoint.Reach("prestart-hooks");
                    try
                    {
                        var stdin = StateJson.ToOciJsonUtf8(state, ContainerStatus.Creating);
                        HookRunner.RunAll(config.Hooks, HookPhase.Prestart, stdin);
                        HookRunner.RunAll(config.Hooks, HookPhase.CreateRuntime, stdin);
                    }
                    catch (HookException e)
                    {
                        channel.Send(new InitError { Message = e.Message });
                        throw;
                    }
                    channel.Send(new InitHooksDone());
                    break;
                case null:
                    var exit = init.TryWaitForExit(TimeSpan.FromSeconds(1), out var status) ? status.ToString() : "still running";
                    throw new InitException($"the container's init closed its socket without reporting ({exit})");
                default:
                    throw new InitException($"the init sent an unexpected {message.GetType().Name}");
            }
        }
    }

    /// <summary>
    /// An id-mapped bind mount (InitIdMapRequest): receives the source's fd from the init and sends
    /// back the detached id-mapped copy (IdMappedTree), or the error, which is also create's.
    /// </summary>
    private static void ServeIdMapRequest(InitChannel channel, SpawnedProcess init, ContainerConfig config, int index)
    {
        using var source = channel.ReceiveFd($"the source of mounts[{index}]");
        SafeFd tree;
        try
        {
            tree = IdMappedTree.CreateForInit(config, index, source, init.Pid);
        }
        catch (Exception e) when (e is Hutch.Linux.Mounts.MountException or NamespaceException or SpawnException)
        {
            channel.Send(new InitError { Message = e.Message });
            throw;
        }
        using (tree)
        {
            channel.Send(new InitIdMapped());
            channel.SendFd(tree, $"the id-mapped copy of mounts[{index}]");
        }
    }

    // A joined namespace is opened by its own path: the held child may not have reached its
    // setns yet when Spawn returns, so /proc/PID/ns/net could still be the runtime's. A new
    // namespace exists from the clone on, so the child's /proc entry is right at once.
    private static SafeFd OpenNetworkNamespace(NamespacePlan namespaces, int pid)
    {
        var joined = namespaces.Joined.FirstOrDefault(j => j.Kind == NamespaceKind.Network).Path;
        var path = joined ?? NamespaceKind.Network.ProcPath(pid);
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new NamespaceException("open the container's network namespace", path, -rc);
        }
        return fd;
    }

    private static SafeFd OpenExecFifo(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_PATH, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new LifecycleException($"open the exec fifo {path} (O_PATH) to pass it to the init: {Errno.Describe(-rc)}");
        }
        return fd;
    }

    private static byte[] ReadConfig(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigFormatException(path, null, $"{path}: not found (is --bundle the bundle directory?)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFormatException(path, null, $"{path}: cannot read it: {IoErrors.Describe(e)}");
        }
    }

    /// <summary>systemd socket activation, honoured as runc does: LISTEN_FDS fds from 3 when LISTEN_PID is this process.</summary>
    private static int? ListenFds()
    {
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        if (count is null || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return n;
    }

    private static List<IdMapEntry> Entries(List<LinuxIdMapping>? mappings) =>
        mappings?.Select(m => new IdMapEntry(m.ContainerID, m.HostID, m.Size)).ToList() ?? [];

    /// <summary>linux.timeOffsets as the spawn takes them (validated: known clocks, nanosecs below 10^9); null when none.</summary>
    private static Dictionary<string, (long Secs, uint Nanosecs)>? TimeOffsets(Dictionary<string, LinuxTimeOffset>? offsets) =>
        offsets is { Count: > 0 }
            ? offsets.ToDictionary(o => o.Key, o => (o.Value?.Secs ?? 0, o.Value?.Nanosecs ?? 0u), StringComparer.Ordinal)
            : null;
}
