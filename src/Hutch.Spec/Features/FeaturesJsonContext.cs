using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>Source-generated JSON metadata for the features document; same reading rules as config.json.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    WriteIndented = true,
    IndentCharacter = '\t',
    IndentSize = 1)]
[JsonSerializable(typeof(Features))]
internal sealed partial class FeaturesJsonContext : JsonSerializerContext;
