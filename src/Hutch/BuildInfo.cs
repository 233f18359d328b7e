namespace Hutch;

/// <summary>
/// The version and commit this binary was built from: constants that Hutch.csproj generates at
/// build time (BuildInfo.g.cs, from Directory.Build.props' HutchVersion and -p:HutchCommit), so
/// that `--version` reads no assembly attributes (reflection metadata cost about 0.3 ms per start).
/// </summary>
internal static partial class BuildInfo
{
    /// <summary>The OCI runtime-spec version hutch implements (what `--version` prints as `spec:`).</summary>
    internal const string SpecVersion = "1.3.0";
}
