using Hutch.Linux.Mounts;
using Hutch.Runtime.Checkpoint.Rpc;
using Hutch.Spec;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// The container's mounts that come from the host, which CRIU must not (and cannot) dump: each is
/// declared external. At dump, "where it is mounted" -> "an id" goes into the images; at restore,
/// "that id" -> "the host path to bind there". The ids are runc's, so that images move between
/// runc and hutch: a bind mount's destination; "/dev/null" for masked files; for cgroup v1
/// without a cgroup namespace (hutch bind-mounts the container's own cgroup of every hierarchy,
/// see Rootfs/CgroupMount.cs) each hierarchy's destination; each config device's path (a bind
/// of the host's node in a user namespace).
/// </summary>
internal static class CriuMounts
{
    private const string CgroupRoot = "/sys/fs/cgroup";

    public static void AddForDump(CriuOpts opts, ContainerConfig config, int pid)
    {
        foreach (var mount in config.Mounts ?? [])
        {
            if (IsBind(mount))
            {
                Add(opts, Clean(mount.Destination), Clean(mount.Destination));
            }
            else if (IsCgroupOfBinds(mount, config))
            {
                foreach (var (destination, _) in CgroupHierarchies(mount))
                {
                    Add(opts, destination, destination);
                }
            }
        }
        foreach (var path in config.Linux?.MaskedPaths ?? [])
        {
            // runc's rule: a masked file is /dev/null bound over it; a masked directory is a tmpfs (dumped).
            var inContainer = $"/proc/{CriuSession.Number(pid)}/root{Clean(path)}";
            if (File.Exists(inContainer))
            {
                Add(opts, Clean(path), "/dev/null");
            }
        }
        foreach (var device in config.Linux?.Devices ?? [])
        {
            Add(opts, Clean(device.Path), Clean(device.Path));
        }
    }

    /// <param name="cgroupOf">The container's cgroup in a v1 hierarchy, keyed as /proc/PID/cgroup's second field.</param>
    public static void AddForRestore(CriuOpts opts, ContainerConfig config, string bundle, IReadOnlyDictionary<string, string> cgroupOf)
    {
        foreach (var mount in config.Mounts ?? [])
        {
            if (IsBind(mount))
            {
                Add(opts, Clean(mount.Destination), Path.GetFullPath(mount.Source ?? "", bundle));
            }
            else if (IsCgroupOfBinds(mount, config))
            {
                foreach (var (destination, hierarchy) in CgroupHierarchies(mount))
                {
                    var key = hierarchy.FsType == "cgroup2" ? "" : string.Join(',', hierarchy.SuperOptions.Where(Hutch.Linux.Cgroups.CgroupLayout.NamesHierarchy));
                    var own = cgroupOf.GetValueOrDefault(key, "/");
                    Add(opts, destination, hierarchy.MountPoint + (own == "/" ? "" : own));
                }
            }
        }
        if (config.Linux?.MaskedPaths is { Count: > 0 })
        {
            Add(opts, "/dev/null", "/dev/null");
        }
        foreach (var device in config.Linux?.Devices ?? [])
        {
            Add(opts, Clean(device.Path), Clean(device.Path));
        }
    }

    /// <summary>Destinations of the config's mounts that are not bind mounts (their mount points must exist before CRIU mounts there).</summary>
    public static bool IsBind(Mount mount) => mount.Type == "bind" || MountOptions.Parse(mount.Options).Bind;

    // cgroup2 hosts mount cgroup2 afresh (dumped like any mount); with a cgroup namespace each v1
    // hierarchy is mounted afresh too. Only v1 without one is a set of host bind mounts.
    private static bool IsCgroupOfBinds(Mount mount, ContainerConfig config) =>
        mount.Type is "cgroup" or "cgroup2"
        && !File.Exists(Path.Combine(CgroupRoot, "cgroup.controllers"))
        && config.Linux?.Namespaces?.Any(n => n.Type == "cgroup") != true;

    private static IEnumerable<(string Destination, MountInfoEntry Hierarchy)> CgroupHierarchies(Mount mount) =>
        MountInfo.Read("/proc/self/mountinfo")
            .Where(e => e.FsType is "cgroup" or "cgroup2" && Path.GetDirectoryName(e.MountPoint) == CgroupRoot)
            .Select(e => ($"{Clean(mount.Destination).TrimEnd('/')}/{Path.GetFileName(e.MountPoint)}", e));

    private static void Add(CriuOpts opts, string key, string value)
    {
        if (opts.ExtMnt.All(m => m.Key != key))
        {
            opts.ExtMnt.Add(new ExtMountMap { Key = key, Val = value });
        }
    }

    /// <summary>A container path as CRIU names mounts: absolute, no "." or "..", no trailing slash.</summary>
    internal static string Clean(string path)
    {
        var full = Path.GetFullPath(path, "/");
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
