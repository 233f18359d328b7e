using Hutch.Testing;
using Hutch.Linux.Cgroups;

namespace Hutch.Linux.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    // This VM's /proc/self/mountinfo cgroup lines (tests/Shared/CgroupMountinfoSamples.cs).
    private const string HybridMountinfo = CgroupMountinfoSamples.ThisVm;

    // A classic pure-v1 host: co-mounted cpu,cpuacct and net_cls,net_prio, option noise, a bind
    // mount of the memory hierarchy elsewhere (the first mount wins), no cgroup2.
    private const string V1Mountinfo = """
        25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        26 25 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        27 26 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
        30 26 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
        31 26 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,net_cls,net_prio
        32 26 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        33 26 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpuset,clone_children
        34 26 0:30 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,freezer
        35 26 0:31 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,hugetlb
        90 25 0:28 /docker /mnt/memory\040copy rw,relatime - cgroup cgroup rw,memory

        """;

    // A pure cgroup2 host (systemd default), and a container's view of one (root field non-"/").
    private const string V2Mountinfo = """
        24 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
        35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot

        """;

    private const string ContainerV2Mountinfo = """
        600 500 0:30 /kubepods/pod1/abc /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup ro
        601 500 0:30 / /mnt/cg2 rw,relatime - cgroup2 cgroup2 rw

        """;

    [Fact]
    public void Parse_hybrid_maps_each_v1_controller_and_the_unified_mount()
    {
        var layout = CgroupLayout.Parse(HybridMountinfo, "hugetlb\n");

        Assert.Equal(CgroupMode.Hybrid, layout.Mode);
        Assert.Equal("/sys/fs/cgroup/unified", layout.UnifiedMount);
        Assert.Equal(
            ["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"],
            layout.V1Mounts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/sys/fs/cgroup/cpu", layout.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/pids", layout.V1Mounts["pids"]);
        Assert.False(layout.V1Mounts.ContainsKey("name=systemd"));
        Assert.Equal("/sys/fs/cgroup/systemd", Assert.Single(layout.NamedMounts, m => m.Key == "name=systemd").Value);
        Assert.Equal(["hugetlb"], layout.UnifiedControllers);
        Assert.True(layout.IsV1("memory"));
        Assert.False(layout.IsUnified("memory"));
        Assert.True(layout.IsUnified("hugetlb"));
        Assert.False(layout.IsV1("hugetlb"));
        Assert.False(layout.IsUnified("io"));
    }

    [Fact]
    public void Parse_v1_co_mounted_controllers_share_their_mount_and_the_first_mount_wins()
    {
        var layout = CgroupLayout.Parse(V1Mountinfo, null);

        Assert.Equal(CgroupMode.V1, layout.Mode);
        Assert.Null(layout.UnifiedMount);
        // The named hierarchy among xattr and release_agent options.
        Assert.Equal(["name=systemd"], layout.NamedMounts.Keys);
        Assert.Equal("/sys/fs/cgroup/systemd", layout.NamedMounts["name=systemd"]);
        Assert.Empty(layout.UnifiedControllers);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", layout.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", layout.V1Mounts["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/net_cls,net_prio", layout.V1Mounts["net_prio"]);
        Assert.Equal("/sys/fs/cgroup/memory", layout.V1Mounts["memory"]);
        Assert.Equal("/sys/fs/cgroup/hugetlb", layout.V1Mounts["hugetlb"]);
        Assert.Equal(
            ["cpu", "cpuacct", "cpuset", "freezer", "hugetlb", "memory", "net_cls", "net_prio"],
            layout.V1Mounts.Keys.Order(StringComparer.Ordinal));
        Assert.False(layout.IsUnified("hugetlb"));
    }

    [Fact]
    public void Parse_v2_reads_the_controllers_of_the_root()
    {
        var layout = CgroupLayout.Parse(V2Mountinfo, "cpuset cpu io memory hugetlb pids rdma misc\n");

        Assert.Equal(CgroupMode.V2, layout.Mode);
        Assert.Equal("/sys/fs/cgroup", layout.UnifiedMount);
        Assert.Empty(layout.V1Mounts);
        Assert.Equal(8, layout.UnifiedControllers.Count);
        Assert.True(layout.IsUnified("memory"));
        Assert.True(layout.IsUnified("io"));
        Assert.False(layout.IsV1("memory"));
        Assert.False(layout.IsUnified("freezer"));
    }

    [Fact]
    public void Parse_v2_prefers_sys_fs_cgroup_and_keeps_its_mount_root()
    {
        var layout = CgroupLayout.Parse(ContainerV2Mountinfo, "memory pids");

        Assert.Equal("/sys/fs/cgroup", layout.UnifiedMount);
        Assert.Equal("/kubepods/pod1/abc", layout.UnifiedMountRoot);
    }

    [Fact]
    public void Parse_no_cgroup_mount_throws_saying_what_to_mount()
    {
        var error = Assert.Throws<CgroupException>(() =>
            CgroupLayout.Parse("22 1 8:1 / / rw,relatime - ext4 /dev/vda rw\n", null));

        Assert.Contains("no cgroup hierarchy is mounted", error.Message, StringComparison.Ordinal);
        Assert.Contains("mount cgroup2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_on_this_host_finds_the_cgroup_mounts_of_mountinfo()
    {
        var layout = CgroupLayout.Detect();
        var mountinfo = File.ReadAllText("/proc/self/mountinfo");

        Assert.Same(layout, CgroupLayout.Detect());
        if (layout.UnifiedMount is not null)
        {
            Assert.Contains(" " + layout.UnifiedMount + " ", mountinfo, StringComparison.Ordinal);
            var controllers = File.ReadAllText(Path.Combine(layout.UnifiedMount, "cgroup.controllers"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(controllers.Order(StringComparer.Ordinal), layout.UnifiedControllers.Order(StringComparer.Ordinal));
        }
        foreach (var mount in layout.V1Mounts.Values)
        {
            Assert.True(File.Exists(Path.Combine(mount, "cgroup.procs")), mount);
        }
    }
}
