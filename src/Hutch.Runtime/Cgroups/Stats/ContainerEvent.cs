using System.Text.Json.Serialization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>One line of `events` output, runc's `types.Event`: {"type":"stats","id":ID,"data":{...}} or {"type":"oom","id":ID}.</summary>
internal sealed class ContainerEvent
{
    public const string StatsType = "stats";
    public const string OomType = "oom";

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StatsData? Data { get; init; }

    public static ContainerEvent Stats(string id, StatsData data) => new() { Type = StatsType, Id = id, Data = data };

    public static ContainerEvent Oom(string id) => new() { Type = OomType, Id = id };
}
