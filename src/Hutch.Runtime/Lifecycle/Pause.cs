using Hutch.Runtime.Cgroups;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `pause ID` and `resume ID`: freeze or thaw every process of the container through its cgroup
/// (the v1 freezer, or cgroup.freeze on cgroup2). `state` then reports "paused" (StatusProbe
/// reads the freezer), so nothing else is saved. runc's rules: only a running container pauses,
/// only a paused one resumes.
/// </summary>
internal static class Pause
{
    public static void Run(string root, string id) => Change(root, id, freeze: true);

    public static void Resume(string root, string id) => Change(root, id, freeze: false);

    private static void Change(string root, string id, bool freeze)
    {
        var store = new StateStore(root);
        using var held = store.Lock(id);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        var wanted = freeze ? ContainerStatus.Running : ContainerStatus.Paused;
        if (status != wanted)
        {
            throw new LifecycleException(freeze
                ? $"cannot pause container {id}: container not running (it is {status.ToOciString()})"
                : $"cannot resume container {id}: container not paused (it is {status.ToOciString()})");
        }
        var cgroup = ContainerCgroup.Open(state)
            ?? throw new LifecycleException($"cannot {(freeze ? "pause" : "resume")} container {id}: {ContainerCgroup.NoCgroupReason}");
        if (freeze)
        {
            cgroup.Freeze();
        }
        else
        {
            cgroup.Thaw();
        }
    }
}
