namespace Hutch.Linux.Seccomp;

/// <summary>SECCOMP_FILTER_FLAG_* for seccomp(2) (linux/seccomp.h).</summary>
internal static class SeccompFilterFlags
{
    public const uint Tsync = 1, Log = 2, SpecAllow = 4, NewListener = 8, TsyncEsrch = 16, WaitKillableRecv = 32;

    /// <summary>
    /// The kernel bit of a spec flag name; null when unknown. TSYNC maps to 0: the filter is
    /// loaded by the thread that execs, which is then the process's only thread, so there is
    /// nothing to synchronise (and TSYNC cannot be combined with a listener).
    /// </summary>
    public static uint? Parse(string name) => name switch
    {
        "SECCOMP_FILTER_FLAG_TSYNC" => 0,
        "SECCOMP_FILTER_FLAG_LOG" => Log,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => SpecAllow,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => WaitKillableRecv,
        _ => null,
    };
}
