namespace Hutch.Spec;

/// <summary>
/// What `hutch features` prints (runtime-spec v1.3.0 features.md). A null list or flag means
/// "unknown", not "none" or "false".
/// </summary>
internal sealed class Features
{
    /// <summary>REQUIRED. Oldest runtime-spec version understood, e.g. "1.0.0".</summary>
    public string OciVersionMin { get; set; } = "";

    /// <summary>REQUIRED. Newest runtime-spec version understood, e.g. "1.3.0".</summary>
    public string OciVersionMax { get; set; } = "";

    /// <summary>Hook names, e.g. "createRuntime".</summary>
    public List<string>? Hooks { get; set; }

    /// <summary>Recognised mount options, e.g. "ro", "rbind".</summary>
    public List<string>? MountOptions { get; set; }

    public LinuxFeatures? Linux { get; set; }

    /// <summary>Implementation details, e.g. "org.opencontainers.runc.version".</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Annotations (or prefixes ending in ".") that change the runtime's behaviour.</summary>
    public List<string>? PotentiallyUnsafeConfigAnnotations { get; set; }
}
