using Hutch.Linux.Interop;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// The named steps of a create (and exec) at which a test can kill it for real: with HUTCH_TEST_STOP_AT=NAME
/// in its environment, hutch stops itself (SIGSTOP) on reaching NAME, and the test, seeing it
/// stopped, SIGKILLs it there. Nothing else changes; without the variable this is one comparison.
/// The names, in order: claimed, journal-begun, cgroup-made, init-spawned, netns-pinned,
/// device-N (device N journaled, about to move), devices-moved, released, prestart-hooks, ready,
/// committing (the init no longer dies with hutch), unpinned, committed (state.json written), pid-file;
/// and exec's: exec-spawned (the process exists, held before its program).
/// </summary>
internal static class CrashPoint
{
    public const string Variable = "HUTCH_TEST_STOP_AT";

    private const int SIGSTOP = 19;

    private static readonly string? StopAt = Environment.GetEnvironmentVariable(Variable);

    public static void Reach(string name)
    {
        if (StopAt is not null && StopAt == name)
        {
            _ = Libc.kill(Libc.getpid(), SIGSTOP);
        }
    }
}
