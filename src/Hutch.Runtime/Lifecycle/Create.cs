using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Processes;
using Hutch.Linux.Spawn;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.Init;
using Hutch.Runtime.NetDevices;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `create` (DESIGN.md section 3, the exchange drawn in Init/InitProtocol.cs): validate, claim
/// the id, spawn the init from the sealed self-copy in the config's namespaces, map ids, release
/// it, serve its hook request, and on "ready" write state.json and the pid file. Any failure
/// kills the init and removes everything, keeping the first error (and any cleanup error).
/// </summary>
internal static class Create
{
    /// <summary>Creates the container; the init waits on exec.fifo for `start` when this returns.</summary>
    public static CreatedContainer Run(CreateOptions options)
    {
        ContainerId.Validate(options.Id);
        var bundle = Path.GetFullPath(options.Bundle ?? Directory.GetCurrentDirectory());
        var configPath = options.ConfigPath is { } given ? Path.GetFullPath(given) : Path.Combine(bundle, "config.json");
        var configBytes = ReadConfig(configPath);
        var config = ConfigJson.Parse(configBytes, configPath);
        foreach (var warning in ConfigValidator.EnsureValid(config).Warnings)
        {
            options.Warn?.Invoke($"{configPath}: {warning}");
        }
        if (config.Process?.Terminal == true)
        {
            throw new LifecycleException(
                $"container {options.Id}: process.terminal is true, but hutch cannot give the container a pseudoterminal yet; set \"terminal\": false in {configPath}");
        }
        var rootfs = Path.GetFullPath(config.Root!.Path, bundle);
        var namespaces = NamespacePlan.From(config);
        var listenFds = ListenFds();
        var preserved = (listenFds ?? 0) + options.PreserveFds;

        var store = new StateStore(options.Root);
        var directory = store.Claim(options.Id);
        var created = DateTimeOffset.UtcNow;
        SpawnedProcess? init = null;
        NetDeviceMover? netDevices = null;
        SafeFd? containerNetns = null;
        try
        {
            var fifo = directory.CreateExecFifo();
            File.WriteAllBytes(Path.Combine(directory.Path, "config.json"), configBytes);

            using var selfCopy = SealedSelfCopy.Create();
            options.Debug?.Invoke($"sealed self-copy made in {selfCopy.CopyTime.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms");
            var rc = InitSyscalls.SocketPair(out var parentEnd, out var childEnd);
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
                init = Spawner.Spawn(new SpawnPlan
                {
                    Path = "hutch (sealed copy)",
                    ExecFd = selfCopy.Fd,
                    Argv = ["hutch", "init"],
                    Envp = [InitChannel.FdVariable + "=" + socketTarget.ToString(CultureInfo.InvariantCulture)],
                    NewNamespaces = namespaces.New,
                    JoinNamespaces = joins.Joins,
                    SyncFd = sync.ChildEnd,
                    Fds = fds,
                    // In a user namespace the init must be its root before exec (after the maps
                    // below), or execve drops every capability. Groups are cleared only where
                    // setgroups is "allow": a new namespace whose maps root writes.
                    BecomeRoot = namespaces.HasUser,
                    ClearGroups = namespaces.New.Contains(NamespaceKind.User) && InitSyscalls.IsRoot,
                });
                sync.ChildEnd.Dispose();

                if (namespaces.New.Contains(NamespaceKind.User))
                {
                    IdMap.Write(init.Pid, Entries(config.Linux?.UidMappings), Entries(config.Linux?.GidMappings), privileged: InitSyscalls.IsRoot);
                }
                // [cgroups: issue 5] place init.Pid in the container's cgroup here, before the release.
                // Net devices: the child is in its namespaces and has not exec'd; prestart and
                // createRuntime hooks come later and see the devices already inside.
                if (config.Linux?.NetDevices is { Count: > 0 } devices)
                {
                    containerNetns = OpenNetworkNamespace(namespaces, init.Pid);
                    netDevices = NetDeviceMover.Prepare(devices, containerNetns);
                    netDevices.MoveAll();
                }
                sync.Release();
                init.WaitForExec();
            }

            var state = new ContainerState
            {
                OciVersion = DefaultConfig.OciVersion,
                Id = options.Id,
                Status = ContainerStatus.Creating,
                Pid = init.Pid,
                PidStartTime = ProcStat.StartTime(init.Pid) ?? throw new InitException($"the init (pid {init.Pid}) exited at once"),
                Bundle = bundle,
                Annotations = config.Annotations,
                Created = created,
                Rootfs = rootfs,
                Owner = ContainerOwner.Of(InitSyscalls.EffectiveUid),
                OwnsNetworkNamespace = namespaces.New.Contains(NamespaceKind.Network),
            };

            channel.Send(new InitBootstrap
            {
                Id = options.Id,
                ConfigJson = Encoding.UTF8.GetString(configBytes),
                Bundle = bundle,
                Rootfs = rootfs,
                NoPivot = options.NoPivot,
                ExecFifoPath = fifo,
                StateDirectory = directory.Path,
                HostPid = init.Pid,
                PreservedFds = preserved,
                ListenFds = listenFds,
                UserNamespace = namespaces.HasUser,
                MountNamespace = namespaces.HasMount,
            });
            ServeInit(channel, init, config, state, options.Warn);

            state.Status = ContainerStatus.Created;
            store.Save(state);
            if (options.PidFile is { } pidFile)
            {
                PidFile.Write(pidFile, init.Pid);
            }
            directory.Dispose();
            netDevices?.Dispose(); // the devices stay in the container (the spec: not moved out before delete)
            containerNetns?.Dispose();
            return new CreatedContainer(state, init);
        }
        catch (Exception first)
        {
            var cleanup = new List<string>();
            // Devices first, while the namespace is surely alive (containerNetns pins it too).
            if (netDevices is not null)
            {
                try
                {
                    netDevices.Rollback();
                }
#pragma warning disable CA1031 // a cleanup failure is reported with the first error, never instead of it
                catch (Exception e)
#pragma warning restore CA1031
                {
                    cleanup.Add(e.Message);
                }
                netDevices.Dispose();
            }
            containerNetns?.Dispose();
            if (init is not null)
            {
                try
                {
                    init.Kill(Libc.SIGKILL);
                    init.WaitForExit();
                }
                catch (SpawnException e)
                {
                    cleanup.Add(e.Message);
                }
                init.Dispose();
            }
            try
            {
                store.Remove(options.Id);
            }
            catch (StateException e)
            {
                cleanup.Add(e.Message);
            }
            directory.Dispose();
            if (cleanup.Count > 0)
            {
                throw new LifecycleException($"{first.Message} (and cleaning up failed: {string.Join("; ", cleanup)})", first);
            }
            throw;
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
                case InitRunHooks:
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
            throw new ConfigFormatException(path, null, $"{path}: cannot read it: {e.Message}");
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
}
