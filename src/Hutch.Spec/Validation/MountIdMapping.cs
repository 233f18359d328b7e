namespace Hutch.Spec;

/// <summary>
/// When a mount is id-mapped (config.md, "Mounts" and the idmap/ridmap options): either option, or
/// uidMappings/gidMappings on the mount, which imply idmap (the spec: the options SHOULD be
/// there; runc applies the mappings without them too). ridmap maps every mount of an rbind tree;
/// idmap (or mappings alone) only the top one.
/// </summary>
internal static class MountIdMapping
{
    public static bool HasOption(Mount mount) => mount.Options is { } options && (options.Contains("idmap") || options.Contains("ridmap"));

    public static bool HasMappings(Mount mount) => mount.UidMappings is { Count: > 0 } || mount.GidMappings is { Count: > 0 };

    public static bool IsIdMapped(Mount mount) => HasOption(mount) || HasMappings(mount);

}
