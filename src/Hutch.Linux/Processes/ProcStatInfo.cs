namespace Hutch.Linux.Processes;

/// <summary>
/// The fields hutch uses from /proc/PID/stat (proc(5)); field numbers are proc(5)'s.
/// </summary>
/// <param name="Pid">Field 1.</param>
/// <param name="Comm">Field 2 without its parentheses: the executable's name, at most 15
/// bytes, and it may itself hold spaces and parentheses.</param>
/// <param name="State">Field 3: R, S, D, Z (zombie), T, t, X (dead), I ...</param>
/// <param name="ParentPid">Field 4.</param>
/// <param name="StartTime">Field 22: when the process started, in clock ticks after boot.
/// With the pid it names one process for the life of the system: a reused pid has
/// another start time.</param>
internal readonly record struct ProcStatInfo(int Pid, string Comm, char State, int ParentPid, ulong StartTime)
{
    /// <summary>Exited but not yet reaped (Z) or being torn down (X): it will never run again.</summary>
    public bool HasExited => State is 'Z' or 'X' or 'x';
}
