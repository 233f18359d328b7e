namespace Hutch.Spec;

/// <summary>Lifecycle hooks (config.md, "POSIX-platform Hooks").</summary>
internal sealed class Hooks
{
    /// <summary>Deprecated by the spec in favour of the three below; still run.</summary>
    public List<Hook>? Prestart { get; set; }

    public List<Hook>? CreateRuntime { get; set; }

    public List<Hook>? CreateContainer { get; set; }

    public List<Hook>? StartContainer { get; set; }

    public List<Hook>? Poststart { get; set; }

    public List<Hook>? Poststop { get; set; }
}

/// <summary>One hook command.</summary>
internal sealed class Hook
{
    /// <summary>REQUIRED. Absolute path in the runtime namespace.</summary>
    public string Path { get; set; } = "";

    public List<string>? Args { get; set; }

    public List<string>? Env { get; set; }

    /// <summary>Seconds; must be greater than zero when set.</summary>
    public int? Timeout { get; set; }
}
