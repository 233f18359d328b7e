using Hutch.Runtime.Signals;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `kill ID [SIGNAL]`: signals the container's init through a pidfd checked against the
/// recorded start time. A stopped container answers "container not running" (containerd
/// matches it). --all: without cgroups (issue 5) hutch signals the init only; SIGKILL to the
/// init of a new pid namespace ends every process in it.
/// </summary>
internal static class Kill
{
    public static void Run(string root, string id, string signalText, bool all)
    {
        _ = all;
        var signal = SignalNames.Parse(signalText);
        var store = new StateStore(root);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        if (status == ContainerStatus.Stopped)
        {
            throw NotRunning(id);
        }
        using var process = ContainerProcess.Open(state) ?? throw NotRunning(id);
        if (!process.Signal(signal))
        {
            throw NotRunning(id);
        }
    }

    private static LifecycleException NotRunning(string id) =>
        new($"cannot kill container {id}: container not running (it has stopped; `hutch delete {id}` removes it)");
}
