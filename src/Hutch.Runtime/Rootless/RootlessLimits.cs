using Hutch.Linux.Interop;
using Hutch.Runtime.Lifecycle;
using Hutch.Spec;

namespace Hutch.Runtime.Rootless;

/// <summary>
/// What a rootless create refuses before anything is made, because it needs the host's root:
/// linux.netDevices (runc refuses it too, for RootlessEUID or RootlessCgroups) and id-mapped mounts.
/// </summary>
internal static class RootlessLimits
{
    /// <summary>Throws LifecycleException naming the config field when <paramref name="config"/> asks for what rootless hutch cannot do.</summary>
    public static void Check(ContainerConfig config, string configPath, bool rootless)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!rootless && Libc.geteuid() == 0)
        {
            return;
        }
        if (config.Linux?.NetDevices is { Count: > 0 } devices)
        {
            var names = string.Join(", ", devices.Keys.Select(name => $"`{name}`"));
            throw new LifecycleException(
                $"{configPath}: linux.netDevices ({names}): rootless hutch cannot move host network devices: moving a device out of " +
                "the host's network namespace needs CAP_NET_ADMIN over that namespace, which an unprivileged user (or root in a " +
                "user namespace, as under rootless podman) does not have. Run hutch as root, or remove linux.netDevices and give " +
                "the container rootless networking (podman's slirp4netns or pasta)");
        }
        var mounts = config.Mounts ?? [];
        for (var i = 0; i < mounts.Count; i++)
        {
            if (mounts[i] is { } mount && MountIdMapping.IsIdMapped(mount))
            {
                throw new LifecycleException(
                    $"{configPath}: {JsonPath.Index("mounts", i)}: rootless hutch cannot make id-mapped mounts (idmap, ridmap, " +
                    "uidMappings/gidMappings): setting an id mapping on a host filesystem (MOUNT_ATTR_IDMAP) needs CAP_SYS_ADMIN in the " +
                    "host's user namespace, which an unprivileged user (or root in a user namespace) does not have; runc refuses them " +
                    "rootless too. Run hutch as root, or remove the id mapping from the mount");
            }
        }
    }
}
