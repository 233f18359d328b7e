using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Spec;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// What create can check in the bundle's rootfs before it makes anything: the rootfs is a
/// directory, and proc and sysfs mounts land on directories, not symlinks. An image whose /proc
/// is a symlink (to /tmp, say) would otherwise get its procfs somewhere else, and the container
/// would die at start with only "container not running" (runc refuses such a mount point too:
/// "filesystem must be mounted on ordinary directory").
/// </summary>
internal static class RootfsPreflight
{
    /// <summary>Throws <see cref="SpecValidationException"/> naming each mount (and root.path) that cannot work.</summary>
    public static void Check(ContainerConfig config, string rootfs)
    {
        var errors = new List<ValidationError>();
        var rc = OpenAt(null, rootfs, O_PATH | O_DIRECTORY, 0, out var root);
        using (root)
        {
            if (rc < 0)
            {
                errors.Add(new ValidationError("root.path", $"{JsonPath.Quote(rootfs)}: {Errno.Describe(-rc)}; " +
                                                            "root.path must be an existing directory (absolute, or relative to the bundle)"));
                throw new SpecValidationException(errors);
            }
            for (var i = 0; config.Mounts != null && i < config.Mounts.Count; i++)
            {
                var mount = config.Mounts[i];
                if (mount.Type is "proc" or "sysfs" && FirstNonDirectory(root, mount.Destination) is { } found)
                {
                    errors.Add(new ValidationError(JsonPath.Index("mounts", i) + ".destination",
                        $"{JsonPath.Quote(found.Path)} in the rootfs is {found.What}; a {mount.Type} filesystem must be mounted on an " +
                        $"ordinary directory: make {JsonPath.Quote(found.Path)} a directory in the image ({rootfs})"));
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new SpecValidationException(errors);
        }
    }

    /// <summary>
    /// The first component of <paramref name="destination"/>, walked from the rootfs without
    /// following anything, that is a symlink or not a directory; null when each that exists is a
    /// directory (the missing rest is made at mount time).
    /// </summary>
    private static (string Path, string What)? FirstNonDirectory(SafeFd root, string destination)
    {
        var walked = "";
        SafeFd? dir = null;
        try
        {
            foreach (var name in ContainerPath.Clean(destination).Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                walked += "/" + name;
                var rc = OpenAt(dir ?? root, name, O_PATH | O_NOFOLLOW, 0, out var next);
                if (rc < 0)
                {
                    next.Dispose();
                    return null;
                }
                dir?.Dispose();
                dir = next;
                if (Fstat(dir, out var st) < 0)
                {
                    return null;
                }
                if (st.Type == S_IFLNK)
                {
                    return (walked, ReadLink(dir, out var target) == 0 ? $"a symlink (to {JsonPath.Quote(target)})" : "a symlink");
                }
                if (st.Type != S_IFDIR)
                {
                    return (walked, "not a directory");
                }
            }
            return null;
        }
        finally
        {
            dir?.Dispose();
        }
    }
}
