using Hutch.Runtime.Cgroups;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>`ps ID`: the pids of every process in the container's cgroup (sub-cgroups included), or in its pid namespace when it has no cgroup, sorted.</summary>
internal static class Ps
{
    public static IReadOnlyList<int> Pids(string root, string id)
    {
        var store = new StateStore(root);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        if (status == ContainerStatus.Stopped)
        {
            throw new LifecycleException($"cannot list the processes of container {id}: container not running (it has stopped)");
        }
        if (ContainerCgroup.Open(state) is not { } cgroup)
        {
            // No cgroup (rootless without a delegated one): its own pid namespace holds exactly
            // its processes; sharing hutch's, the init is all hutch knows of.
            return state.OwnsPidNamespace ? PidNamespaceMembers.Of(state.Pid) : [state.Pid];
        }
        var pids = cgroup.Pids().ToList();
        pids.Sort();
        return pids;
    }
}
