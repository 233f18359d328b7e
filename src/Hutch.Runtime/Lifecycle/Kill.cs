using Hutch.Linux.Interop;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Signals;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `kill ID [SIGNAL]`: signals the container's init through a pidfd checked against the
/// recorded start time. A stopped container answers "container not running" (containerd
/// matches it). --all signals every process in the container's cgroup.
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
            throw NotRunning(id);
        }
        if (all && ContainerCgroup.Open(state) is { } cgroup)
        {
            // Every process of the container, exec'd ones included (cgroup.kill for SIGKILL on cgroup2).
            cgroup.Signal(signal);
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

    private static LifecycleException NotRunning(string id) =>
        new($"cannot kill container {id}: container not running (it has stopped; `hutch delete {id}` removes it)");
}
