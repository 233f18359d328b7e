using Hutch.Linux.Capabilities;
using Hutch.Linux.Processes;
using Hutch.Linux.Seccomp;

namespace Hutch.Linux.Spawn;

/// <summary>
/// The optional last stage of a spawn (SpawnPlan.ProcessSetup, used by `hutch exec`): after the
/// sync byte the child, already in the container's namespaces, becomes the container process in C
/// (native/procsetup.c), in this order: the container's root (chroot, without a mount namespace), the terminal (setsid, TIOCSCTTY), personality, the memory
/// policy, umask, the
/// bounding set, PR_SET_KEEPCAPS, chdir, setgroups, setresgid, setresuid, the cwd check
/// (CVE-2024-21626), capset, the ambient set, no_new_privs, then signals, seccomp and execve of
/// SpawnPlan.Path with its Argv and Envp. Every value is decided by the caller.
/// </summary>
internal sealed class ProcessSetup
{
    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public IReadOnlyList<uint> AdditionalGids { get; init; } = [];

    public uint Umask { get; init; } = 0x12;

    /// <summary>The working directory inside the container (absolute).</summary>
    public required string Cwd { get; init; }

    /// <summary>
    /// The fd number, in the child, of the container's root (an fd map) to change root into first:
    /// a container without a mount namespace; null: the root is the joined mount namespace's.
    /// </summary>
    public int? RootFd { get; init; }

    /// <summary>The fd number, in the child, of the pty peer that becomes its controlling terminal; null: none.</summary>
    public int? TerminalFd { get; init; }

    public CapabilitySet Bounding { get; init; }

    /// <summary>
    /// What capset sets, as 6 words (ThreadCapabilities.ToWords: effective, permitted, inheritable low
    /// 32 bits, then the high ones).
    /// </summary>
    public required uint[] Capabilities { get; init; }

    public CapabilitySet Ambient { get; init; }

    /// <summary>The kernel's last capability: bounding drops go up to it.</summary>
    public int LastCapability { get; init; }

    /// <summary>personality(2) persona; null leaves it.</summary>
    public ulong? Personality { get; init; }

    /// <summary>set_mempolicy for the process (linux.memoryPolicy); null leaves the inherited one.</summary>
    public MemoryPolicy? MemoryPolicy { get; init; }

    public bool NoNewPrivileges { get; init; }

    /// <summary>The compiled filter (compiled by the parent: libseccomp never loads in the container), or null.</summary>
    public SeccompProgram? Seccomp { get; init; }

    /// <summary>
    /// The capset words after the filter is loaded, when <see cref="Capabilities"/> holds CAP_SYS_ADMIN
    /// only because loading a filter without no_new_privs needs it; null otherwise.
    /// </summary>
    public uint[]? CapabilitiesAfterSeccomp { get; init; }

    internal void Validate(string path)
    {
        if (string.IsNullOrEmpty(Cwd) || !Cwd.StartsWith('/') || Cwd.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"spawn {path}: the working directory \"{Cwd}\" must be an absolute path", nameof(Cwd));
        }
        if (Capabilities.Length != 6 || CapabilitiesAfterSeccomp is { Length: not 6 })
        {
            throw new ArgumentException($"spawn {path}: capability words come in sixes", nameof(Capabilities));
        }
        if (Seccomp is not null && (Seccomp.InstructionCount is 0 or > 0xffff))
        {
            throw new ArgumentException($"spawn {path}: a seccomp program of {Seccomp.InstructionCount} instructions", nameof(Seccomp));
        }
        if (Seccomp is not null && (Seccomp.Flags & SeccompFilterFlags.NewListener) != 0)
        {
            throw new ArgumentException($"spawn {path}: a seccomp notify listener is not supported in a process setup", nameof(Seccomp));
        }
    }
}
