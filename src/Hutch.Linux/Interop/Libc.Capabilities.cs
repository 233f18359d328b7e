using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Capabilities of the calling thread: capget/capset (through libhutchnative: glibc has no
/// declaration for them) and the prctl options for the bounding and ambient sets. Each call
/// returns 0 or -errno. Capability state is per thread: the thread that sets it must exec.
/// </summary>
internal static partial class Libc
{
    // prctl options (linux/prctl.h)
    internal const int PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24, PR_SET_KEEPCAPS = 8,
        PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_CAP_AMBIENT = 47;

    // PR_CAP_AMBIENT sub-operations
    internal const int PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3,
        PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /// <summary>Six words: effective, permitted, inheritable (low 32 bits), then the same (high 32 bits).</summary>
    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_capget(uint* sets);

    /// <summary>Six words as <see cref="hutch_capget"/> fills them.</summary>
    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_capset(uint* sets);
}
