namespace Hutch.Spec;

/// <summary>One entry of "mounts" (config.md, "Mounts"; Linux fields of config-linux.md).</summary>
internal sealed class Mount
{
    /// <summary>REQUIRED. Absolute path inside the container.</summary>
    public string Destination { get; set; } = "";

    public string? Type { get; set; }

    public string? Source { get; set; }

    public List<string>? Options { get; set; }

    /// <summary>Id-mapped mount: uid mappings applied to this mount only.</summary>
    public List<LinuxIdMapping>? UidMappings { get; set; }

    public List<LinuxIdMapping>? GidMappings { get; set; }
}
