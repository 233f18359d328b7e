using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// NUMA memory policy (set_mempolicy(2), linux/mempolicy.h): the modes and the mode flags OR'ed into
/// the mode argument. The numbers are the uapi's on every architecture; the ABI test compares them
/// with the header. The call goes through libhutchnative (glibc has no set_mempolicy; libnuma's is
/// not a dependency worth having).
/// </summary>
internal static partial class Libc
{
    internal const int MPOL_DEFAULT = 0, MPOL_PREFERRED = 1, MPOL_BIND = 2, MPOL_INTERLEAVE = 3, MPOL_LOCAL = 4,
        MPOL_PREFERRED_MANY = 5, MPOL_WEIGHTED_INTERLEAVE = 6;

    internal const int MPOL_F_NUMA_BALANCING = 1 << 13, MPOL_F_RELATIVE_NODES = 1 << 14, MPOL_F_STATIC_NODES = 1 << 15;

    /// <summary>set_mempolicy of the calling thread; <paramref name="nodeBits"/> bits of <paramref name="nodes"/> (null: none). Returns 0 or -errno.</summary>
    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_set_mempolicy(int mode, ulong* nodes, uint nodeBits);
}
