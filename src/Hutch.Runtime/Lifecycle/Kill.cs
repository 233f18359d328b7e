using Hutch.Linux.Interop;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Signals;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `kill ID [SIGNAL]`: signals the container's init through a pidfd checked against the
/// recorded start time. A stopped container answers "container not running" (containerd
/// matches it). --all signals every process in the container's cgroup, also once the init has
/// exited when the container has no pid namespace of its own (its other processes outlive it).
/// </summary>
internal static class Kill
{
    public static void Run(string root, string id, string signalText, bool all)
    {
        var signal = SignalNames.Parse(signalText);
        var store = new StateStore(root);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        if (status == ContainerStatus.Stopped)
        {
            // Without a pid namespace of its own, the init's death ends nothing else: children it
            // left (`sh -c 'sleep 100 & exit 0'` under --pid host, hostPID, a shared process
            // namespace) live on in the cgroup and hold its stdio. containerd sends `kill --all`
            // for them after the init's exit; runc signals the cgroup, and so does hutch.
            if (all && !state.OwnsPidNamespace && ContainerCgroup.Open(state) is { } leftover && leftover.Directories.Values.Any(Directory.Exists))
            {
                leftover.Signal(signal);
                return;
            }
            throw NotRunning(id);
        }
        if (all && ContainerCgroup.Open(state) is { } cgroup)
        {
            // Every process of the container, exec'd ones included (cgroup.kill for SIGKILL on cgroup2).
            cgroup.Signal(signal);
            return;
        }
        if (all && state.OwnsPidNamespace && ContainerCgroup.Open(state) is null)
        {
            // No cgroup (rootless): the container's processes are those of its pid namespace.
            SignalPidNamespace(state, signal, id);
            return;
        }
        using var process = ContainerProcess.Open(state) ?? throw NotRunning(id);
        if (!process.Signal(signal))
        {
            throw NotRunning(id);
        }
        // A frozen process dies of SIGKILL only once thawed: a paused container killed by a client
        // (containerd's task kill, podman rm -f) must not stay frozen, undead.
        if (signal == Libc.SIGKILL && status == ContainerStatus.Paused && ContainerCgroup.Open(state) is { } frozen)
        {
            frozen.Thaw();
        }
    }

    /// <summary>The init first (checked to be the container's), then every other process of its pid namespace.</summary>
    private static void SignalPidNamespace(ContainerState state, int signal, string id)
    {
        using var process = ContainerProcess.Open(state) ?? throw NotRunning(id);
        // The others first: SIGKILL to the init ends the namespace, and its members with it.
        PidNamespaceMembers.SignalOthers(state.Pid, signal);
        if (!process.Signal(signal))
        {
            throw NotRunning(id);
        }
    }

    private static LifecycleException NotRunning(string id) =>
        new($"cannot kill container {id}: container not running (it has stopped; `hutch delete {id}` removes it)");
}
