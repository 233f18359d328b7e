using Hutch.Spec;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// The systemd unit a container's cgroup is, read from linux.cgroupsPath as runc's systemd driver
/// reads it: "slice:prefix:name" gives the unit "prefix-name.scope" in the slice (a name ending in
/// ".slice" is a slice unit of its own, placed with Wants=). An empty cgroupsPath is
/// "runc-ID.scope" in the default slice (as runc, so tools that look for runc's scopes find
/// hutch's); an empty slice is the default slice: system.slice, or user.slice for a rootless
/// container on cgroup v2.
/// </summary>
internal sealed record SystemdUnit(string Slice, string Name)
{
    private const string JsonField = "linux.cgroupsPath";
    private const string SliceSuffix = ".slice";

    /// <summary>The unit is a slice (its name ends with ".slice"), not a scope.</summary>
    public bool IsSlice => Name.EndsWith(SliceSuffix, StringComparison.Ordinal);

    /// <summary>"Scope" or "Slice": the unit type's D-Bus interface suffix.</summary>
    public string Type => IsSlice ? "Slice" : "Scope";

    /// <summary>The unit's cgroup path below the root of a hierarchy: the slice's path then the unit ("/system.slice/runc-x.scope").</summary>
    public string CgroupPath => ExpandSlice(Slice).TrimEnd('/') + "/" + Name;

    /// <summary>Parses <paramref name="cgroupsPath"/> (may be null or empty) for container <paramref name="id"/>; throws SpecValidation-style errors naming the field.</summary>
    public static SystemdUnit Parse(string? cgroupsPath, string id, bool userSlice)
    {
        var defaultSlice = userSlice ? "user.slice" : "system.slice";
        if (string.IsNullOrEmpty(cgroupsPath))
        {
            return new SystemdUnit(defaultSlice, "runc-" + id + ".scope");
        }
        var parts = cgroupsPath.Split(':');
        if (parts.Length != 3)
        {
            throw new CgroupResourceException(JsonField,
                $"{JsonPath.Quote(cgroupsPath)} is not of the form \"slice:prefix:name\" that the systemd cgroup driver (--systemd-cgroup) takes " +
                "(e.g. \"system.slice:hutch:ID\"); give that form, or leave --systemd-cgroup out to use the cgroupfs driver");
        }
        var (slice, prefix, name) = (parts[0], parts[1], parts[2]);
        if (name.Length == 0)
        {
            throw new CgroupResourceException(JsonField, $"{JsonPath.Quote(cgroupsPath)} has an empty name (the part after the second ':'); give the unit a name");
        }
        if (slice.Length > 0)
        {
            _ = ExpandSlice(slice); // validates it
        }
        foreach (var part in new[] { slice, prefix, name })
        {
            if (part.Contains('/', StringComparison.Ordinal) || part.Any(char.IsWhiteSpace) || part is "." or "..")
            {
                throw new CgroupResourceException(JsonField, $"{JsonPath.Quote(cgroupsPath)}: {JsonPath.Quote(part)} cannot be part of a systemd unit name (no '/', whitespace, \".\" or \"..\")");
            }
        }
        var unit = name.EndsWith(SliceSuffix, StringComparison.Ordinal) ? name : prefix + "-" + name + ".scope";
        return new SystemdUnit(slice.Length == 0 ? defaultSlice : slice, unit);
    }

    /// <summary>
    /// A slice's cgroup path: systemd nests slices by the dashes of their names, so
    /// "a-b-c.slice" is "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" is the root "/".
    /// </summary>
    public static string ExpandSlice(string slice)
    {
        if (slice.Length <= SliceSuffix.Length || !slice.EndsWith(SliceSuffix, StringComparison.Ordinal) || slice.Contains('/', StringComparison.Ordinal))
        {
            throw new CgroupResourceException(JsonField,
                $"{JsonPath.Quote(slice)} is not a slice name: it must end in \".slice\", have a name before it and hold no '/' (e.g. \"system.slice\", \"machine-pods.slice\")");
        }
        var stem = slice[..^SliceSuffix.Length];
        if (stem == "-")
        {
            return "/";
        }
        var path = "";
        var prefix = "";
        foreach (var component in stem.Split('-'))
        {
            if (component.Length == 0)
            {
                throw new CgroupResourceException(JsonField,
                    $"{JsonPath.Quote(slice)} is not a slice name: a dash may not start or end it nor follow another dash");
            }
            path += "/" + prefix + component + SliceSuffix;
            prefix += component + "-";
        }
        return path;
    }
}
