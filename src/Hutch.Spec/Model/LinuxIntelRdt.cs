using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>Intel RDT (resctrl) settings (config-linux.md, "IntelRdt").</summary>
internal sealed class LinuxIntelRdt
{
    [JsonPropertyName("closID")]
    public string? ClosID { get; set; }

    [JsonPropertyName("l3CacheSchema")]
    public string? L3CacheSchema { get; set; }

    [JsonPropertyName("memBwSchema")]
    public string? MemBwSchema { get; set; }

    /// <summary>Lines written to the resctrl "schemata" file as they are.</summary>
    public List<string>? Schemata { get; set; }

    public bool? EnableMonitoring { get; set; }
}
