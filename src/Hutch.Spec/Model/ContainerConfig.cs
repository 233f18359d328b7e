namespace Hutch.Spec;

/// <summary>
/// The root of config.json (runtime-spec v1.3.0, config.md). Properties are declared in the
/// order `runc spec` writes them, so serialised output reads the same.
/// </summary>
internal sealed class ContainerConfig
{
    /// <summary>REQUIRED. The runtime-spec version the bundle complies with.</summary>
    public string OciVersion { get; set; } = "";

    public Process? Process { get; set; }

    public Root? Root { get; set; }

    public string? Hostname { get; set; }

    public string? Domainname { get; set; }

    public List<Mount>? Mounts { get; set; }

    public Hooks? Hooks { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public Linux? Linux { get; set; }
}
