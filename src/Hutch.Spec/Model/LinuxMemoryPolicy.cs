namespace Hutch.Spec;

/// <summary>set_mempolicy(2) for the container process (config-linux.md, "Memory policy").</summary>
internal sealed class LinuxMemoryPolicy
{
    /// <summary>REQUIRED. MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, ...</summary>
    public string Mode { get; set; } = "";

    /// <summary>Node list like "0-3,7".</summary>
    public string? Nodes { get; set; }

    /// <summary>MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING.</summary>
    public List<string>? Flags { get; set; }
}
