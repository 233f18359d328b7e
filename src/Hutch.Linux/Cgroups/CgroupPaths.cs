using Hutch.Linux.Paths;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Where a cgroupsPath lands in each hierarchy, the way runc's cgroupfs driver reads it: an
/// absolute path is under the hierarchy's mount point; a relative one is under the runtime's own
/// cgroup of that hierarchy (from /proc/self/cgroup), which can differ per hierarchy.
/// </summary>
internal static class CgroupPaths
{
    /// <summary>
    /// /proc/PID/cgroup ("4:memory:/a/b", "2:cpu,cpuacct:/", "0::/x") as controller -> cgroup path;
    /// the cgroup2 entry under <see cref="CgroupLayout.UnifiedKey"/>, a named hierarchy under its
    /// name ("name=systemd").
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseProcCgroup(string text)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // The path may itself contain ':'; only the first two separate fields.
            var fields = line.Split(':', 3);
            if (fields.Length != 3)
            {
                continue;
            }
            if (fields[0] == "0" && fields[1].Length == 0)
            {
                own[CgroupLayout.UnifiedKey] = fields[2];
                continue;
            }
            foreach (var controller in fields[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                own[controller] = fields[2];
            }
        }
        return own;
    }

    /// <summary>
    /// The cgroup path's components after lexical cleaning ("." and empty dropped, ".." never
    /// climbing above the start), so a path cannot leave its hierarchy. Throws when nothing is left.
    /// </summary>
    public static IReadOnlyList<string> Components(string path)
    {
        var parts = RootPath.Clean(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new CgroupException(
                $"cgroup: cgroups path `{path}` names the root of the hierarchy: set linux.cgroupsPath to a path below it (or leave it empty to use the container id)");
        }
        return parts;
    }

    /// <summary>
    /// The directory, under <paramref name="mountPoint"/> (which shows cgroup <paramref name="mountRoot"/>),
    /// that holds <paramref name="path"/>: absolute paths from the mount point, relative ones from
    /// <paramref name="ownCgroup"/> (the runtime's own cgroup there; the mount point when unknown),
    /// or, with <paramref name="besideOwn"/>, from its parent.
    /// </summary>
    /// <param name="besideOwn">
    /// Start a relative path at the parent of the runtime's cgroup: runc's rule on a pure cgroup2
    /// host (its fs2 driver), where the runtime's own cgroup holds processes (a service, a session
    /// scope) and so cannot enable controllers for a child; its parent (a slice) can. With
    /// systemd's /system.slice/foo.service the container lands in /system.slice/ID.
    /// </param>
    public static string Resolve(string mountPoint, string mountRoot, string? ownCgroup, string path, bool besideOwn = false)
    {
        var components = Components(path);
        var start = mountPoint;
        if (!path.StartsWith('/') && ownCgroup is not null)
        {
            var relative = RelativeTo(mountRoot, ownCgroup);
            if (besideOwn)
            {
                var slash = relative.TrimEnd('/').LastIndexOf('/');
                relative = slash <= 0 ? "" : relative[..slash];
            }
            start = mountPoint + relative;
            // /proc/self/cgroup shows "/../x" for a cgroup outside the reader's cgroup namespace:
            // appended to the mount point it would climb out of the hierarchy (runc's does).
            if (ownCgroup.Split('/').Contains(".."))
            {
                throw new CgroupException(
                    $"cgroup: cannot place the relative cgroups path `{path}` under {mountPoint}: hutch's own cgroup there, " +
                    $"`{ownCgroup}` (/proc/self/cgroup), is outside its cgroup namespace; set linux.cgroupsPath to an absolute path",
                    mountPoint, path);
            }
        }
        return start.TrimEnd('/') + "/" + string.Join('/', components);
    }

    /// <summary>
    /// <paramref name="cgroup"/> as seen below a mount showing <paramref name="mountRoot"/> ("" or
    /// "/a/b"). A cgroup outside the mount's root (a cgroup namespace boundary) is used as it is.
    /// </summary>
    private static string RelativeTo(string mountRoot, string cgroup)
    {
        var root = mountRoot.TrimEnd('/');
        var own = cgroup.TrimEnd('/');
        if (root.Length == 0)
        {
            return own;
        }
        if (own == root)
        {
            return "";
        }
        return own.StartsWith(root + "/", StringComparison.Ordinal) ? own[root.Length..] : own;
    }
}
