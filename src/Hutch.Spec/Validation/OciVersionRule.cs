using System.Globalization;
using System.Text.RegularExpressions;

namespace Hutch.Spec;

/// <summary>ociVersion: REQUIRED, SemVer 2.0.0, and a version hutch implements (1.0.0 to 1.3.x).</summary>
/// <remarks>
/// Pre-release and build suffixes are accepted within the range: `runc spec` 1.1 writes
/// "1.0.2-dev", release candidates write "1.1.0-rc.1", and the spec's own development
/// builds use "+dev". A 1.x config is compatible with a runtime of a later 1.x (config.md),
/// so anything from 1.0.0 up to our 1.3 works; 1.4 and 2.x may hold fields we would ignore.
/// </remarks>
internal static partial class OciVersionRule
{
    public const string SupportedRange = "1.0.0 to 1.3.x";

    public static void Check(string? version, ValidationReport report)
    {
        const string path = "ociVersion";
        if (string.IsNullOrEmpty(version))
        {
            report.Error(path, $"is required; set it to the runtime-spec version the config follows, e.g. \"{DefaultConfig.OciVersion}\"");
            return;
        }
        var match = SemVer().Match(version);
        if (!match.Success)
        {
            report.Error(path, $"{JsonPath.Quote(version)} is not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH, e.g. " +
                               $"\"{DefaultConfig.OciVersion}\"); hutch supports runtime-spec {SupportedRange}");
            return;
        }
        // Numbers too large for an int are certainly out of range.
        var majorOk = int.TryParse(match.Groups["major"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var major);
        var minorOk = int.TryParse(match.Groups["minor"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var minor);
        if (!majorOk || !minorOk || major != 1 || minor > 3)
        {
            report.Error(path, $"version {JsonPath.Quote(version)} is not supported: hutch implements runtime-spec " +
                               $"{SupportedRange}; write the config for one of those (e.g. \"{DefaultConfig.OciVersion}\")");
        }
    }

    // semver.org's grammar, with ASCII digits only.
    [GeneratedRegex(
        @"^(?<major>0|[1-9][0-9]*)\.(?<minor>0|[1-9][0-9]*)\.(0|[1-9][0-9]*)" +
        @"(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?" +
        @"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex SemVer();
}
