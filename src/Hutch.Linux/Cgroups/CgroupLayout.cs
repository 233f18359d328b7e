using System.Collections.Frozen;
using Hutch.Linux.Mounts;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Where this host's cgroup hierarchies are mounted: the v1 hierarchy of each controller, the
/// cgroup2 mount and the controllers its root offers. Read once per process from
/// /proc/self/mountinfo (<see cref="Detect"/>); <see cref="Parse"/> is the pure part.
/// </summary>
internal sealed class CgroupLayout
{
    /// <summary>The key of the cgroup2 hierarchy in <see cref="Cgroup.Directories"/>.</summary>
    public const string UnifiedKey = "unified";

    /// <summary>The mount option, and /proc/PID/cgroup field, of a named v1 hierarchy: "name=systemd".</summary>
    public const string NamePrefix = "name=";

    // The v1 controllers of Linux (kernel/cgroup/cgroup.c subsystems). Named hierarchies
    // (name=systemd) and mount options (rw, xattr, noprefix, release_agent=...) are not controllers.
    private static readonly FrozenSet<string> KnownV1Controllers = new[]
    {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly Lock DetectLock = new();
    private static CgroupLayout? s_detected;

    private CgroupLayout(
        CgroupMode mode, string? unifiedMount, string? unifiedMountRoot,
        IReadOnlyDictionary<string, string> v1Mounts, IReadOnlyDictionary<string, string> v1MountRoots,
        IReadOnlyDictionary<string, string> namedMounts, IReadOnlyDictionary<string, string> namedMountRoots,
        IReadOnlySet<string> unifiedControllers)
    {
        Mode = mode;
        UnifiedMount = unifiedMount;
        UnifiedMountRoot = unifiedMountRoot;
        V1Mounts = v1Mounts;
        V1MountRoots = v1MountRoots;
        NamedMounts = namedMounts;
        NamedMountRoots = namedMountRoots;
        UnifiedControllers = unifiedControllers;
    }

    public CgroupMode Mode { get; }

    /// <summary>The cgroup2 mount point: /sys/fs/cgroup on v2, /sys/fs/cgroup/unified on hybrid; null on pure v1.</summary>
    public string? UnifiedMount { get; }

    /// <summary>The cgroup path the cgroup2 mount shows at its mount point (mountinfo's root field; "/" normally).</summary>
    internal string? UnifiedMountRoot { get; }

    /// <summary>v1 controller -> mount point ("cpu" -> /sys/fs/cgroup/cpu, or .../cpu,cpuacct when co-mounted).</summary>
    public IReadOnlyDictionary<string, string> V1Mounts { get; }

    /// <summary>v1 controller -> the cgroup path its mount shows at the mount point (mountinfo's root field).</summary>
    internal IReadOnlyDictionary<string, string> V1MountRoots { get; }

    /// <summary>
    /// Named v1 hierarchies, which have no controller: "name=systemd" -> /sys/fs/cgroup/systemd on
    /// a v1 or hybrid systemd host. A container joins them at its path as it joins the controllers'.
    /// </summary>
    public IReadOnlyDictionary<string, string> NamedMounts { get; }

    /// <summary>Named hierarchy -> the cgroup path its mount shows at the mount point.</summary>
    internal IReadOnlyDictionary<string, string> NamedMountRoots { get; }

    /// <summary>The controllers in cgroup.controllers of the cgroup2 root (empty on pure v1).</summary>
    public IReadOnlySet<string> UnifiedControllers { get; }

    /// <summary>The controller has a v1 hierarchy.</summary>
    public bool IsV1(string controller) => V1Mounts.ContainsKey(controller);

    /// <summary>The controller lives in cgroup2: offered by its root and not bound to a v1 hierarchy (v1 wins).</summary>
    public bool IsUnified(string controller) =>
        UnifiedMount is not null && !IsV1(controller) && UnifiedControllers.Contains(controller);

    /// <summary>
    /// The mount option names a hierarchy (a v1 controller, or "name=X"), rather than being an option
    /// such as rw, xattr, noprefix, clone_children or release_agent=.
    /// </summary>
    public static bool NamesHierarchy(string option) =>
        KnownV1Controllers.Contains(option) || (option.StartsWith(NamePrefix, StringComparison.Ordinal) && option.Length > NamePrefix.Length);

    /// <summary>This host's layout, read on first use and cached for the process.</summary>
    public static CgroupLayout Detect()
    {
        lock (DetectLock)
        {
            if (s_detected is null)
            {
                var mountinfo = File.ReadAllText("/proc/self/mountinfo");
                var unified = FindUnifiedMount(MountInfo.Parse(mountinfo));
                var controllers = unified is null ? null : CgroupFile.Read(Path.Combine(unified.MountPoint, "cgroup.controllers"));
                s_detected = Parse(mountinfo, controllers);
            }
            return s_detected;
        }
    }

    /// <summary>
    /// The layout described by a mountinfo text and the cgroup.controllers text of its cgroup2
    /// mount (null when there is none). Throws CgroupException when no hierarchy is mounted.
    /// </summary>
    public static CgroupLayout Parse(string mountinfo, string? unifiedControllers)
    {
        var entries = MountInfo.Parse(mountinfo);
        var v1Mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        var v1Roots = new Dictionary<string, string>(StringComparer.Ordinal);
        var namedMounts = new Dictionary<string, string>(StringComparer.Ordinal);
        var namedRoots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.FsType != "cgroup")
            {
                continue;
            }
            foreach (var option in entry.SuperOptions)
            {
                // The first mount of a controller wins, as in runc (later ones are bind mounts of it).
                if (KnownV1Controllers.Contains(option) && v1Mounts.TryAdd(option, entry.MountPoint))
                {
                    v1Roots[option] = entry.Root;
                }
                // A named hierarchy co-mounted with controllers is joined through them already.
                else if (option.StartsWith(NamePrefix, StringComparison.Ordinal) && option.Length > NamePrefix.Length
                    && !entry.SuperOptions.Any(KnownV1Controllers.Contains) && namedMounts.TryAdd(option, entry.MountPoint))
                {
                    namedRoots[option] = entry.Root;
                }
            }
        }

        var unified = FindUnifiedMount(entries);
        if (unified is null && v1Mounts.Count == 0)
        {
            throw new CgroupException(
                "cgroup: no cgroup hierarchy is mounted (no cgroup2 or v1 controller mount in /proc/self/mountinfo): " +
                "mount cgroup2 at /sys/fs/cgroup (or the v1 controllers) and retry");
        }
        var mode = unified is null ? CgroupMode.V1 : v1Mounts.Count == 0 ? CgroupMode.V2 : CgroupMode.Hybrid;
        var controllers = unified is null || unifiedControllers is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : new HashSet<string>(unifiedControllers.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        return new CgroupLayout(mode, unified?.MountPoint, unified?.Root, v1Mounts, v1Roots, namedMounts, namedRoots, controllers);
    }

    /// <summary>The cgroup2 mount to use: /sys/fs/cgroup, else /sys/fs/cgroup/unified, else the first one.</summary>
    private static MountInfoEntry? FindUnifiedMount(IReadOnlyList<MountInfoEntry> entries)
    {
        var cgroup2 = entries.Where(e => e.FsType == "cgroup2").ToList();
        return cgroup2.FirstOrDefault(e => e.MountPoint == "/sys/fs/cgroup")
            ?? cgroup2.FirstOrDefault(e => e.MountPoint == "/sys/fs/cgroup/unified")
            ?? cgroup2.FirstOrDefault();
    }
}
