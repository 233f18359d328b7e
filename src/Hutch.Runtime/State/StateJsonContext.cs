using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>Source-generated (reflection-free, AOT-safe) JSON for state.json and the OCI state.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(OciState))]
[JsonSerializable(typeof(List<ContainerSummary>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
