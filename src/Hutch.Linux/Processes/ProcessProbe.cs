namespace Hutch.Linux.Processes;

/// <summary>
/// Tells whether a process recorded earlier (pid + start time) is still that process.
/// A pid alone is not enough: after the process exits the kernel may give its pid to
/// another one, which hutch must never signal or take for the container.
/// </summary>
internal static class ProcessProbe
{
    /// <summary>
    /// True when <paramref name="pid"/> exists, started at <paramref name="startTime"/>
    /// (field 22 of /proc/PID/stat) and has not exited (a zombie is not alive).
    /// </summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        ProcStat.Read(pid) is { } stat && stat.StartTime == startTime && !stat.HasExited;

    /// <summary>
    /// True when <paramref name="pid"/> still names the process that started at
    /// <paramref name="startTime"/>, even as an unreaped zombie. Note the answer can be
    /// stale by the time it is used; to signal, prefer a pidfd checked the same way.
    /// </summary>
    public static bool IsSameProcess(int pid, ulong startTime) =>
        ProcStat.Read(pid) is { } stat && stat.StartTime == startTime;
}
