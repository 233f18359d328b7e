using Hutch.Linux.Interop;

namespace Hutch.Linux.Processes;

/// <summary>
/// A NUMA memory policy as set_mempolicy(2) takes it: <see cref="Mode"/> is an MPOL_* mode OR'ed
/// with MPOL_F_* flags, <see cref="Nodes"/> the node mask in 64-bit words (null: no nodes).
/// The policy belongs to a thread; its children inherit it and execve keeps it.
/// </summary>
internal sealed record MemoryPolicy(int Mode, ulong[]? Nodes)
{
    /// <summary>How many bits of <see cref="Nodes"/> the kernel reads.</summary>
    public uint NodeBits => (uint)((Nodes?.Length ?? 0) * 64);

    /// <summary>Sets this policy for the calling thread. Returns 0 or -errno.</summary>
    public unsafe int ApplyToCallingThread()
    {
        fixed (ulong* nodes = Nodes)
        {
            return Libc.hutch_set_mempolicy(Mode, Nodes is null ? null : nodes, NodeBits);
        }
    }
}
