namespace Hutch.Linux.Seccomp;

/// <summary>The SCMP_ACT_* names of the runtime-spec and libseccomp's action values (seccomp.h).</summary>
internal static class SeccompActions
{
    public const uint KillProcess = 0x80000000, KillThread = 0x00000000, Trap = 0x00030000,
        Notify = 0x7fc00000, Log = 0x7ffc0000, Allow = 0x7fff0000;

    private const uint ErrnoBase = 0x00050000, TraceBase = 0x7ff00000;

    /// <summary>EPERM: the spec's default errnoRet.</summary>
    public const uint DefaultErrno = 1;

    public static uint Errno(uint errno) => ErrnoBase | (errno & 0xffff);

    public static uint Trace(uint message) => TraceBase | (message & 0xffff);

    /// <summary>Whether the action takes an errno (SCMP_ACT_ERRNO and SCMP_ACT_TRACE).</summary>
    public static bool TakesErrno(string name) => name is "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE";

    /// <summary>
    /// The action value of <paramref name="name"/> with <paramref name="errnoRet"/> (EPERM when
    /// absent, for the two actions that take one). Null with <paramref name="error"/> when the
    /// name is unknown or an errno is given to an action that takes none (the spec: "MUST fail").
    /// </summary>
    public static uint? Parse(string name, uint? errnoRet, out string? error)
    {
        error = null;
        if (errnoRet is not null && !TakesErrno(name))
        {
            error = $"{name} takes no errnoRet (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do); remove errnoRet";
            return null;
        }
        uint? action = name switch
        {
            "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => KillThread,
            "SCMP_ACT_KILL_PROCESS" => KillProcess,
            "SCMP_ACT_TRAP" => Trap,
            "SCMP_ACT_ERRNO" => Errno(errnoRet ?? DefaultErrno),
            "SCMP_ACT_TRACE" => Trace(errnoRet ?? DefaultErrno),
            "SCMP_ACT_ALLOW" => Allow,
            "SCMP_ACT_LOG" => Log,
            "SCMP_ACT_NOTIFY" => Notify,
            _ => null,
        };
        if (action is null)
        {
            error = $"\"{name}\" is not a seccomp action; use SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, " +
                    "SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG or SCMP_ACT_NOTIFY";
        }
        return action;
    }
}
