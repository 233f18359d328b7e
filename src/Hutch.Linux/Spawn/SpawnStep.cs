namespace Hutch.Linux.Spawn;

/// <summary>
/// Where a spawn failed. Signals..Cgroup are the HUTCH_STEP_* a child reports over the error
/// pipe (native/hutch_native.h; the ABI test checks the values); the others happen in hutch.
/// </summary>
internal enum SpawnStep
{
    /// <summary>hutch_spawn itself (the clone, or the pipes around it).</summary>
    Spawn = 0,
    Signals = 1,
    Setns = 2,
    /// <summary>Cloning the final child after joining (two-stage spawn).</summary>
    Clone = 3,
    FdMap = 4,
    CloseFds = 5,
    Sync = 6,
    Exec = 7,
    /// <summary>Becoming root of the user namespace (index 0 setresgid, 1 setresuid, 2 setgroups).</summary>
    SetId = 8,
    /// <summary>Entering a new time namespace with offsets (index 0 unshare, 1 open timens_offsets, 2 write).</summary>
    TimeNs = 9,
    /// <summary>The `hutch exec` process setup (index: HUTCH_PROC_STEP_*, native/procsetup.h).</summary>
    ProcessSetup = 10,
    /// <summary>Joining the container's cgroup (index: the v1 tasks file; -1: the cgroup2 cgroup.procs).</summary>
    Cgroup = 11,
    /// <summary>Waiting for the child (waitid) or reading its report.</summary>
    Wait = 100,
    /// <summary>Sending the child a signal.</summary>
    Signal = 101,
}
