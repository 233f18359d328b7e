namespace Hutch.Spec;

/// <summary>A path inside the container, read lexically the way the runtime resolves it in the rootfs.</summary>
internal static class ContainerPath
{
    /// <summary>
    /// <paramref name="path"/> made absolute (a relative one is taken from "/", as config.md says of
    /// mount destinations) with ".", ".." and repeated slashes resolved; ".." at the root stays
    /// there, as RESOLVE_IN_ROOT keeps it. "." and "/x/.." are "/".
    /// </summary>
    public static string Clean(string path) =>
        // .NET resolves ".", ".." and repeated slashes lexically (no file system access), ".." at
        // the root staying there; only the trailing slash is left to trim.
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, "/"));

    /// <summary>True when the mount binds a path (type "bind", or a "bind"/"rbind" option) rather than making a filesystem.</summary>
    public static bool IsBind(Mount mount) =>
        mount.Type == "bind" || mount.Options is { } options && (options.Contains("bind") || options.Contains("rbind"));
}
