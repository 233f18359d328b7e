using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>The container's root filesystem (config.md, "Root").</summary>
internal sealed class Root
{
    /// <summary>REQUIRED. Absolute, or relative to the bundle.</summary>
    public string Path { get; set; } = "";

    [JsonPropertyName("readonly")]
    public bool? Readonly { get; set; }
}
