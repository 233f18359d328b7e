using Hutch.Testing;
using Hutch.Linux.Cgroups;

namespace Hutch.Runtime.Tests.Cgroups;

/// <summary>Host layouts for the pure plan tests, parsed from mountinfo text the way the runtime reads the host's.</summary>
internal static class ResourcePlanLayouts
{
    /// <summary>This VM: one v1 hierarchy per controller, cgroup2 at /sys/fs/cgroup/unified offering only hugetlb.</summary>
    public static CgroupLayout Hybrid { get; } = CgroupLayout.Parse(CgroupMountinfoSamples.ThisVm, "hugetlb\n");

    /// <summary>A systemd-era host: only cgroup2 at /sys/fs/cgroup.</summary>
    public static CgroupLayout V2 { get; } = CgroupLayout.Parse("""
        30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot

        """, "cpuset cpu io memory hugetlb pids rdma misc\n");

    /// <summary>An older host: v1 only, with co-mounted cpu,cpuacct and net_cls,net_prio, and every controller.</summary>
    public static CgroupLayout V1 { get; } = CgroupLayout.Parse("""
        25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        27 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
        28 25 0:25 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpuset
        29 25 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
        30 25 0:27 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,devices
        31 25 0:28 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,freezer
        32 25 0:29 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,net_cls,net_prio
        33 25 0:30 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,blkio
        34 25 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,pids
        35 25 0:32 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,hugetlb
        36 25 0:33 / /sys/fs/cgroup/rdma rw,nosuid,nodev,noexec,relatime shared:20 - cgroup cgroup rw,rdma
        37 25 0:34 / /sys/fs/cgroup/perf_event rw,nosuid,nodev,noexec,relatime shared:21 - cgroup cgroup rw,perf_event

        """, null);
}
