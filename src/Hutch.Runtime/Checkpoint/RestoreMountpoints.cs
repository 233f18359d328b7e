using Hutch.Linux.Paths;
using Hutch.Spec;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// Before CRIU mounts the container's mounts again, their mount points must exist in the rootfs,
/// as create makes them (a fresh rootfs, e.g. podman's restore into a new container, may lack
/// /run/.containerenv or /etc/hostname). runc's rule: not under a tmpfs mount (CRIU restores a
/// tmpfs's whole content, mount points included), not for cgroup mounts (inside the tmpfs or the
/// sysfs CRIU mounts). Paths are resolved inside the rootfs (RootPath), never followed out.
/// </summary>
internal static class RestoreMountpoints
{
    public static void Create(ContainerConfig config, string rootfs, string bundle)
    {
        var mounts = config.Mounts ?? [];
        var tmpfs = mounts.Where(m => m.Type == "tmpfs").Select(m => CriuMounts.Clean(m.Destination)).ToList();
        using var root = RootPath.OpenRoot(rootfs);
        foreach (var mount in mounts)
        {
            var destination = CriuMounts.Clean(mount.Destination);
            if (mount.Type is "cgroup" or "cgroup2" || destination == "/" || tmpfs.Any(t => destination.StartsWith(t + "/", StringComparison.Ordinal)))
            {
                continue;
            }
            try
            {
                var file = CriuMounts.IsBind(mount) && File.Exists(Path.GetFullPath(mount.Source ?? "", bundle));
                using var made = file ? RootPath.CreateFile(root, destination) : RootPath.MkdirAll(root, destination);
            }
            catch (PathException e)
            {
                throw new CriuException($"mounts[{mounts.IndexOf(mount)}]: cannot make the mount point {destination} in {rootfs}: {e.Message}", e);
            }
        }
    }
}
