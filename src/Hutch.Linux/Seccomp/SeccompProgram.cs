namespace Hutch.Linux.Seccomp;

/// <summary>A compiled filter: the BPF instructions (struct sock_filter, 8 bytes each) and the seccomp(2) flags.</summary>
internal sealed class SeccompProgram
{
    public required byte[] Instructions { get; init; }

    public int InstructionCount => Instructions.Length / 8;

    /// <summary>SECCOMP_FILTER_FLAG_* for seccomp(2), NEW_LISTENER included when the filter notifies.</summary>
    public required uint Flags { get; init; }

    /// <summary>Syscall names libseccomp does not know, left out of the filter as runc does.</summary>
    public IReadOnlyList<string> SkippedSyscalls { get; init; } = [];
}
