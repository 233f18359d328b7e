using Hutch.Linux.Cgroups;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>
/// The container's cgroup as the lifecycle sees it: where create puts it (linux.cgroupsPath as
/// runc's cgroupfs driver reads it, or the container id) and how later commands find it again
/// (the directories recorded in state.json).
/// </summary>
internal static class ContainerCgroup
{
    /// <summary>linux.cgroupsPath, or the id when it is empty: runc's default, relative to the runtime's own cgroup.</summary>
    public static string PathFor(ContainerConfig config, string id) =>
        string.IsNullOrEmpty(config.Linux?.CgroupsPath) ? id : config.Linux!.CgroupsPath!;

    /// <summary>The container's cgroup from its state, or null when it has none.</summary>
    public static Cgroup? Open(ContainerState state) =>
        state.Cgroup is { Count: > 0 } directories ? Cgroup.Attach(CgroupLayout.Detect(), directories) : null;

    /// <summary>True when the container's cgroup is frozen (`pause`); false without a cgroup.</summary>
    public static bool IsPaused(ContainerState state) => Open(state)?.IsFrozen() == true;
}
