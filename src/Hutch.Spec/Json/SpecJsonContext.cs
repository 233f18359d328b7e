using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>
/// Source-generated (no reflection, AOT-safe) JSON metadata for config.json.
/// Reading follows runc's Go decoder where it matters to clients: unknown properties are
/// ignored, property names match case-insensitively (Go's encoding/json does so), and a value
/// of the wrong type is an error. A null where the model has a non-nullable property is an
/// error too (Go would silently keep the zero value; we would rather name the path).
/// Writing omits nulls, like the spec's Go types with omitempty.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    WriteIndented = true,
    IndentCharacter = '\t',
    IndentSize = 1)]
[JsonSerializable(typeof(ContainerConfig))]
[JsonSerializable(typeof(LinuxResources))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;
