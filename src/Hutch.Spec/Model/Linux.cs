namespace Hutch.Spec;

/// <summary>The "linux" object (config-linux.md).</summary>
internal sealed class Linux
{
    public List<LinuxIdMapping>? UidMappings { get; set; }

    public List<LinuxIdMapping>? GidMappings { get; set; }

    public Dictionary<string, string>? Sysctl { get; set; }

    public LinuxResources? Resources { get; set; }

    public string? CgroupsPath { get; set; }

    public List<LinuxNamespace>? Namespaces { get; set; }

    public List<LinuxDevice>? Devices { get; set; }

    public LinuxSeccomp? Seccomp { get; set; }

    /// <summary>private, shared, slave or unbindable (and their r-prefixed forms).</summary>
    public string? RootfsPropagation { get; set; }

    public List<string>? MaskedPaths { get; set; }

    public List<string>? ReadonlyPaths { get; set; }

    public string? MountLabel { get; set; }

    public LinuxIntelRdt? IntelRdt { get; set; }

    public LinuxPersonality? Personality { get; set; }

    /// <summary>Keyed by clock name: "monotonic" or "boottime".</summary>
    public Dictionary<string, LinuxTimeOffset>? TimeOffsets { get; set; }

    public LinuxMemoryPolicy? MemoryPolicy { get; set; }

    /// <summary>Keyed by the host device's name.</summary>
    public Dictionary<string, LinuxNetDevice>? NetDevices { get; set; }
}
