namespace Hutch.Spec;

/// <summary>Reads and writes the features document (`hutch features`).</summary>
internal static class FeaturesJson
{
    /// <summary>Tab-indented like `runc features`, nulls ("unknown") omitted.</summary>
    public static string Serialize(Features features)
        => System.Text.Json.JsonSerializer.Serialize(features, FeaturesJsonContext.Default.Features);

    /// <summary>Decodes a features document; errors are <see cref="ConfigFormatException"/>s naming "features.json" and the path.</summary>
    public static Features Parse(ReadOnlySpan<byte> utf8)
        => JsonDecoding.Decode(utf8, FeaturesJsonContext.Default.Features, "features.json");
}
