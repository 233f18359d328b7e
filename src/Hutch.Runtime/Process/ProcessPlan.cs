using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Linux.Seccomp;

namespace Hutch.Runtime.Processes;

/// <summary>
/// The container process as numbers, ready to apply (from <see cref="ProcessLauncher.Plan"/>):
/// every name parsed, nothing looked up on disk. <see cref="ProcessLauncher.Resolve"/> adds the
/// executable's path and the compiled seccomp program.
/// </summary>
internal sealed class ProcessPlan
{
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>process.env; Resolve keeps one entry per name (the last) and adds HOME when missing.</summary>
    public required IReadOnlyList<string> Env { get; internal set; }

    public required string Cwd { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public IReadOnlyList<uint> AdditionalGids { get; init; } = [];

    /// <summary>process.user.umask, or runc's 0022 when absent.</summary>
    public uint Umask { get; init; } = 0x12;

    /// <summary>The five sets; Resolve removes what the runtime itself does not hold (with a warning).</summary>
    public required PlannedCapabilities Capabilities { get; internal set; }

    public IReadOnlyList<PlannedRlimit> Rlimits { get; init; } = [];

    public int? OomScoreAdj { get; init; }

    /// <summary>personality(2) persona: PER_LINUX (0) or PER_LINUX32 (8); null leaves it.</summary>
    public ulong? Personality { get; init; }

    public Libc.SchedAttr? Scheduler { get; init; }

    /// <summary>ioprio_set value: class &lt;&lt; 13 | priority.</summary>
    public int? IoPriority { get; init; }

    /// <summary>CPU mask words (execCPUAffinity.final, for exec'd processes only).</summary>
    public ulong[]? CpuAffinity { get; init; }

    /// <summary>linux.memoryPolicy as set_mempolicy takes it; null leaves the inherited policy.</summary>
    public PlannedMemoryPolicy? MemoryPolicy { get; init; }

    /// <summary>Set once the memory policy is on the thread that will exec (the init sets it at create).</summary>
    public bool MemoryPolicyApplied { get; internal set; }

    public bool NoNewPrivileges { get; init; }

    public SeccompFilter? Seccomp { get; init; }

    public string? SeccompListenerPath { get; init; }

    public string? SeccompListenerMetadata { get; init; }

    public string? ApparmorProfile { get; init; }

    public string? SelinuxLabel { get; init; }

    public ProcessPlanOptions Options { get; init; } = new();

    /// <summary>What the init should log as warnings (unknown capabilities, ...).</summary>
    public List<string> Warnings { get; init; } = [];

    /// <summary>What the init should log at debug level (ignored labels, skipped syscalls, ...).</summary>
    public List<string> Notes { get; init; } = [];

    /// <summary>args[0] looked up in the container (set by Resolve).</summary>
    public string? ExecutablePath { get; internal set; }

    /// <summary>The compiled filter (set by Resolve when there is a seccomp section).</summary>
    public SeccompProgram? SeccompProgram { get; internal set; }
}

/// <summary>The five capability sets, parsed, and the kernel's last capability they were checked against.</summary>
internal sealed record PlannedCapabilities(
    CapabilitySet Bounding,
    CapabilitySet Effective,
    CapabilitySet Permitted,
    CapabilitySet Inheritable,
    CapabilitySet Ambient,
    int LastCapability);

/// <summary>One rlimit: the name as the config wrote it and the resource number.</summary>
internal sealed record PlannedRlimit(string Name, int Resource, ulong Soft, ulong Hard);

/// <summary>linux.memoryPolicy: the policy and, for messages, the config's words for it.</summary>
internal sealed record PlannedMemoryPolicy(MemoryPolicy Policy, string Description);
