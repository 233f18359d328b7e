using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>
/// The state of a container exactly as runtime.md "State" defines it, in its field order:
/// what `hutch state` prints and what hooks read on stdin. Nothing of hutch's own.
/// </summary>
internal sealed class OciState
{
    [JsonPropertyOrder(0)]
    public required string OciVersion { get; set; }

    [JsonPropertyOrder(1)]
    public required string Id { get; set; }

    [JsonPropertyOrder(2)]
    public required ContainerStatus Status { get; set; }

    /// <summary>Always written; 0 once stopped, as `runc state` prints it.</summary>
    [JsonPropertyOrder(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Pid { get; set; }

    [JsonPropertyOrder(4)]
    public required string Bundle { get; set; }

    /// <summary>Omitted when the config had none (the spec allows absent or empty).</summary>
    [JsonPropertyOrder(5)]
    public Dictionary<string, string>? Annotations { get; set; }
}
