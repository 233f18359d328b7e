using Hutch.Linux.Processes;
using Hutch.Runtime.Cgroups;

namespace Hutch.Runtime.State;

/// <summary>
/// The live status of a container, from its process and its directory rather than from
/// the status last saved (the process may have exited since):
/// <list type="number">
/// <item>stopped: no pid recorded, the pid is gone, is a zombie (exited, not yet reaped),
/// or now names another process (its start time differs: the pid was reused);</item>
/// <item>creating: the saved status says a create is still under way;</item>
/// <item>created: exec.fifo still exists (the init waits on it until `start`);</item>
/// <item>paused: the container's cgroup is frozen (`pause`);</item>
/// <item>running: otherwise.</item>
/// </list>
/// </summary>
internal static class StatusProbe
{
    /// <param name="state">The container's saved state (pid and its start time).</param>
    /// <param name="containerDirectory">&lt;root&gt;/&lt;id&gt; (<see cref="StateStore.DirectoryOf"/>).</param>
    /// <param name="isPaused">True when the container's cgroup is frozen; null reads the cgroup
    /// recorded in the state (<see cref="ContainerCgroup.IsPaused"/>).</param>
    public static ContainerStatus Probe(ContainerState state, string containerDirectory, Func<ContainerState, bool>? isPaused = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Pid <= 0 || ProcStat.Read(state.Pid) is not { } stat
            || stat.HasExited || stat.StartTime != state.PidStartTime)
        {
            return ContainerStatus.Stopped;
        }
        if (state.Status == ContainerStatus.Creating)
        {
            return ContainerStatus.Creating;
        }
        if (File.Exists(ContainerDirectory.ExecFifoPathOf(containerDirectory)))
        {
            return ContainerStatus.Created;
        }
        if ((isPaused ?? ContainerCgroup.IsPaused)(state))
        {
            return ContainerStatus.Paused;
        }
        return ContainerStatus.Running;
    }
}
