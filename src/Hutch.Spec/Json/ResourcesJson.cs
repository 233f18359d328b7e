namespace Hutch.Spec;

/// <summary>
/// A linux.resources object on its own: what `update --resources FILE|-` reads (containerd sends
/// it on stdin). Same decoding rules as config.json; errors name the source and the JSON path.
/// </summary>
internal static class ResourcesJson
{
    public static LinuxResources Parse(ReadOnlySpan<byte> utf8, string source) =>
        JsonDecoding.Decode(utf8, SpecJsonContext.Default.LinuxResources, source);
}
