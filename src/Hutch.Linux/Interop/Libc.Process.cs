using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>Processes: kill(2), getpid(2), geteuid(2), getegid(2) and the waitid(2) constants (the call itself is hutch_waitid).</summary>
internal static partial class Libc
{
    // waitid idtype
    internal const int P_PID = 1, P_PIDFD = 3;

    // waitid options
    internal const int WNOHANG = 0x1, WEXITED = 0x4, WNOWAIT = 0x01000000;

    // siginfo si_code for SIGCHLD
    internal const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    internal const int SIGKILL = 9, SIGTERM = 15;

    // prctl options for the parent-death signal (linux/prctl.h); per thread.
    internal const int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    internal static partial int getpid();

    [LibraryImport("libc")]
    internal static partial uint geteuid();

    [LibraryImport("libc")]
    internal static partial uint getegid();
}
