using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>
/// One container as `runc list --format json` shows it (and tools that parse runc's list
/// expect): the OCI fields plus rootfs, created and owner. pid is 0 once stopped.
/// </summary>
internal sealed class ContainerSummary
{
    [JsonPropertyOrder(0)]
    public required string OciVersion { get; set; }

    [JsonPropertyOrder(1)]
    public required string Id { get; set; }

    [JsonPropertyOrder(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Pid { get; set; }

    [JsonPropertyOrder(3)]
    public required ContainerStatus Status { get; set; }

    [JsonPropertyOrder(4)]
    public required string Bundle { get; set; }

    [JsonPropertyOrder(5)]
    public required string Rootfs { get; set; }

    /// <summary>UTC, written with a "Z" as Go's RFC 3339 times are.</summary>
    [JsonPropertyOrder(6)]
    public DateTime Created { get; set; }

    [JsonPropertyOrder(7)]
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Always written, "" when unknown (as runc).</summary>
    [JsonPropertyOrder(8)]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string Owner { get; set; } = "";
}
