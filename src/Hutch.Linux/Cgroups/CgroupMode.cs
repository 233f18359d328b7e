namespace Hutch.Linux.Cgroups;

/// <summary>How the host mounts its cgroup hierarchies.</summary>
internal enum CgroupMode
{
    /// <summary>Only v1 hierarchies (one per controller or co-mounted group).</summary>
    V1,

    /// <summary>v1 hierarchies for most controllers plus a cgroup2 mount (often /sys/fs/cgroup/unified).</summary>
    Hybrid,

    /// <summary>One cgroup2 hierarchy (usually at /sys/fs/cgroup).</summary>
    V2,
}
