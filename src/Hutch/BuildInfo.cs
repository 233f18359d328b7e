using System.Reflection;

namespace Hutch;

/// <summary>
/// The version and commit this binary was built from. Both come from assembly attributes
/// (Version from Directory.Build.props' HutchVersion, HutchCommit from the AssemblyMetadata
/// that Hutch.csproj stamps from -p:HutchCommit); reading an assembly's attributes is AOT-safe.
/// </summary>
internal static class BuildInfo
{
    /// <summary>The OCI runtime-spec version hutch implements (what `--version` prints as `spec:`).</summary>
    internal const string SpecVersion = "1.3.0";

    internal static string Version { get; } = ReadVersion();

    internal static string Commit { get; } = ReadCommit();

    private static string ReadVersion()
    {
        var assembly = typeof(BuildInfo).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            // The SDK may append "+<source revision>"; the commit is reported on its own line.
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }
        var version = assembly.GetName().Version;
        return version is null ? "unknown" : version.ToString(3);
    }

    private static string ReadCommit()
    {
        foreach (var metadata in typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (metadata.Key == "HutchCommit" && !string.IsNullOrEmpty(metadata.Value))
            {
                return metadata.Value;
            }
        }
        return "unknown";
    }
}
