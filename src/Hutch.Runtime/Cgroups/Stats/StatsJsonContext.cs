using System.Text.Json.Serialization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>Source-generated (AOT-safe) JSON for `events`: one compact object per line.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ContainerEvent))]
[JsonSerializable(typeof(StatsData))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
