using Hutch.Linux.Interop;

namespace Hutch.Linux.Processes;

/// <summary>
/// The calling thread's parent-death signal (prctl PR_SET_PDEATHSIG / PR_GET_PDEATHSIG): the
/// signal it gets when the thread that created it exits. Per thread, and cleared by the kernel on
/// a credential change and on the execve of a set-id or capability-gaining program.
/// </summary>
internal static class ParentDeathSignal
{
    /// <summary>The signal set for the calling thread; 0 for none. Throws InvalidOperationException on a kernel refusal.</summary>
    public static unsafe int Get()
    {
        int signal = 0;
        var rc = Libc.Prctl(Libc.PR_GET_PDEATHSIG, (nuint)(&signal));
        return rc < 0 ? throw new InvalidOperationException($"prctl PR_GET_PDEATHSIG: {Errno.Describe(-rc)}") : signal;
    }

    /// <summary>No signal when the parent exits any more. Returns 0 or -errno.</summary>
    public static int Clear() => Libc.Prctl(Libc.PR_SET_PDEATHSIG, 0);
}
