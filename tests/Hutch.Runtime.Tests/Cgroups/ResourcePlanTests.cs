using Hutch.Linux.Cgroups;
using Hutch.Runtime.Cgroups;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups;

public class ResourcePlanTests
{
    private static readonly CgroupLayout Hybrid = ResourcePlanLayouts.Hybrid;
    private static readonly CgroupLayout V2 = ResourcePlanLayouts.V2;
    private static readonly CgroupLayout V1 = ResourcePlanLayouts.V1;

    /// <summary>The plan without the device writes (tested apart), as "controller file=value" lines.</summary>
    private static List<string> Lines(LinuxResources resources, CgroupLayout layout, bool update = false) =>
        [.. ResourcePlan.For(resources, layout, update).Where(w => w.Controller != "devices").Select(w => $"{w.Controller} {w.File}={w.Value}")];

    private static LinuxResources Parse(string json) =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes("""{"ociVersion":"1.3.0","linux":{"resources":""" + json + "}}")).Linux!.Resources!;

    public static TheoryData<string> Configs => new(Directory.GetFiles(Path.Combine(Host.RepoRoot, "tests/data/configs"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Every_real_client_config_plans_without_error_on_every_layout(string file)
    {
        var config = ConfigJson.Load(Path.Combine(Host.RepoRoot, "tests/data/configs", file));
        var resources = config.Linux?.Resources ?? new LinuxResources();
        foreach (var layout in new[] { Hybrid, V2, V1 })
        {
            var plan = ResourcePlan.Build(resources, layout);
            Assert.Empty(plan.Warnings);
            // Every container gets a device cgroup: v1 files, or the eBPF filter where devices is not v1.
            Assert.Equal(layout != V2, plan.Writes.Any(w => w is { Controller: "devices", File: "devices.deny", Value: "a" }));
            Assert.Equal(layout == V2, plan.DeviceFilter is not null);
        }
    }

    [Fact]
    public void Docker_zero_values_write_nothing()
    {
        var docker = Parse("""{"memory":{"disableOOMKiller":false},"cpu":{"shares":0},"blockIO":{"weight":0}}""");
        Assert.Empty(Lines(docker, Hybrid));
        Assert.Empty(Lines(docker, V2));
        Assert.Empty(Lines(docker, V1));
    }

    [Fact]
    public void Podman_pids_limit_goes_to_the_v1_pids_hierarchy()
    {
        var config = ConfigJson.Load(Path.Combine(Host.RepoRoot, "tests/data/configs/podman-run.json"));
        Assert.Equal(["pids pids.max=2048"], Lines(config.Linux!.Resources!, Hybrid));
    }

    [Theory]
    [InlineData(-1, "max")]
    [InlineData(0, "max")]
    [InlineData(10, "10")]
    public void Pids_limit_minus_one_and_zero_mean_max(long limit, string expected)
    {
        Assert.Equal([$"pids pids.max={expected}"], Lines(new LinuxResources { Pids = new LinuxPids { Limit = limit } }, V2));
        Assert.Empty(Lines(new LinuxResources { Pids = new LinuxPids() }, V2));
    }

    [Fact]
    public void Memory_on_v1_writes_the_memsw_total_as_given()
    {
        var r = Parse("""{"memory":{"limit":67108864,"swap":134217728,"reservation":33554432,"swappiness":0,"disableOOMKiller":true,"useHierarchy":true}}""");
        Assert.Equal(
        [
            "memory memory.limit_in_bytes=67108864",
            "memory memory.memsw.limit_in_bytes=134217728",
            "memory memory.soft_limit_in_bytes=33554432",
            "memory memory.oom_control=1",
            "memory memory.swappiness=0",
            "memory memory.use_hierarchy=1",
        ], Lines(r, Hybrid));
    }

    [Fact]
    public void Memory_on_v2_converts_swap_to_swap_alone()
    {
        var r = Parse("""{"memory":{"limit":67108864,"swap":134217728,"reservation":33554432}}""");
        Assert.Equal(["memory memory.swap.max=67108864", "memory memory.max=67108864", "memory memory.low=33554432"], Lines(r, V2));
        // swap == limit: no swap at all
        Assert.Equal(["memory memory.swap.max=0", "memory memory.max=1000"], Lines(Parse("""{"memory":{"limit":1000,"swap":1000}}"""), V2));
    }

    [Fact]
    public void Unlimited_memory_makes_swap_unlimited_too_where_the_file_exists()
    {
        var v1 = ResourcePlan.For(Parse("""{"memory":{"limit":-1}}"""), Hybrid);
        Assert.Equal(["memory.limit_in_bytes=-1", "memory.memsw.limit_in_bytes=-1"], v1.Select(w => $"{w.File}={w.Value}").Where(l => l.StartsWith("memory", StringComparison.Ordinal)));
        Assert.True(v1.Single(w => w.File == "memory.memsw.limit_in_bytes").SkipIfMissing);

        var v2 = ResourcePlan.For(Parse("""{"memory":{"limit":-1}}"""), V2).Where(w => w.Controller == "memory").ToList();
        Assert.Equal(["memory.swap.max=max", "memory.max=max"], v2.Select(w => $"{w.File}={w.Value}"));
        Assert.True(v2[0].SkipIfMissing);
    }

    [Fact]
    public void Swap_on_v2_needs_a_limit_and_at_least_the_limit()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"memory":{"swap":1000}}"""), V2));
        Assert.Equal("linux.resources.memory.swap", e.JsonPath);
        Assert.Contains("without a memory limit", e.Message);
        e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"memory":{"limit":2000,"swap":1000}}"""), V2));
        Assert.Contains("below the memory limit 2000", e.Message);
    }

    [Fact]
    public void Memsw_goes_first_when_it_rises_above_the_current_limit()
    {
        var plan = ResourcePlan.For(Parse("""{"memory":{"limit":2000000,"swap":4000000}}"""), Hybrid).Where(w => w.Controller == "memory").ToList();
        // current limit 1 MB < new memsw 4 MB: raise memsw first (the new limit would exceed the old memsw)
        Assert.Equal(["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"], ResourcePlan.OrderMemoryAndSwap(plan, 1_000_000).Select(w => w.File));
        // current limit 8 MB >= new memsw: lower the limit first
        Assert.Equal(["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"], ResourcePlan.OrderMemoryAndSwap(plan, 8_000_000).Select(w => w.File));
        var unlimited = ResourcePlan.For(Parse("""{"memory":{"limit":2000000,"swap":-1}}"""), Hybrid).Where(w => w.Controller == "memory").ToList();
        Assert.Equal(["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"], ResourcePlan.OrderMemoryAndSwap(unlimited, 8_000_000).Select(w => w.File));
    }

    [Fact]
    public void Swappiness_is_range_checked_on_v1_and_ignored_with_a_warning_on_v2()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"memory":{"swappiness":101}}"""), V1));
        Assert.Equal("linux.resources.memory.swappiness", e.JsonPath);
        Assert.Empty(Lines(Parse("""{"memory":{"swappiness":18446744073709551615}}"""), V1)); // docker's -1
        var plan = ResourcePlan.Build(Parse("""{"memory":{"swappiness":60,"disableOOMKiller":true}}"""), V2);
        Assert.DoesNotContain(plan.Writes, w => w.Controller == "memory");
        Assert.Contains(plan.Warnings, w => w.StartsWith("linux.resources.memory.swappiness", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.StartsWith("linux.resources.memory.disableOOMKiller", StringComparison.Ordinal));
    }

    [Fact]
    public void Kernel_memory_is_ignored_with_a_warning_and_kernel_TCP_goes_to_v1_kmem_tcp()
    {
        var plan = ResourcePlan.Build(Parse("""{"memory":{"kernel":1000000,"kernelTCP":1000000}}"""), Hybrid);

        var tcp = Assert.Single(plan.Writes, w => w.File.Contains("kmem", StringComparison.Ordinal));
        Assert.Equal(("memory", "memory.kmem.tcp.limit_in_bytes", "1000000"), (tcp.Controller, tcp.File, tcp.Value));
        Assert.Equal("linux.resources.memory.kernelTCP", tcp.JsonPath);
        Assert.True(tcp.SkipIfMissing);
        Assert.StartsWith("linux.resources.memory.kernel:", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_TCP_on_cgroup_v2_is_ignored_with_a_warning()
    {
        var plan = ResourcePlan.Build(Parse("""{"memory":{"kernelTCP":1000000}}"""), V2);

        Assert.DoesNotContain(plan.Writes, w => w.File.Contains("kmem", StringComparison.Ordinal));
        Assert.StartsWith("linux.resources.memory.kernelTCP:", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_on_v1_with_runc_retry_order()
    {
        var plan = ResourcePlan.For(Parse("""{"cpu":{"shares":512,"quota":50000,"period":100000,"burst":1000,"idle":0,"realtimeRuntime":950000,"realtimePeriod":1000000,"cpus":"0-1","mems":"0"}}"""), Hybrid);
        Assert.Equal(
        [
            "cpu cpu.shares=512", "cpu cpu.cfs_period_us=100000", "cpu cpu.cfs_burst_us=1000", "cpu cpu.cfs_quota_us=50000",
            "cpu cpu.idle=0", "cpu cpu.rt_period_us=1000000", "cpu cpu.rt_runtime_us=950000",
            "cpuset cpuset.cpus=0-1", "cpuset cpuset.mems=0",
        ], plan.Where(w => w.Controller != "devices").Select(w => $"{w.Controller} {w.File}={w.Value}"));
        Assert.True(plan.Single(w => w.File == "cpu.shares").VerifyReadBack);
        Assert.Equal("cpu.cfs_quota_us", plan.Single(w => w.File == "cpu.cfs_period_us").RetryAfter);
        Assert.Equal("cpu.cfs_quota_us", plan.Single(w => w.File == "cpu.cfs_burst_us").RetryAfter);
        Assert.Equal("cpu.rt_runtime_us", plan.Single(w => w.File == "cpu.rt_period_us").RetryAfter);
        Assert.Equal("linux.resources.cpu.realtimeRuntime", plan.Single(w => w.File == "cpu.rt_runtime_us").JsonPath);
    }

    [Fact]
    public void Cpu_on_v2_converts_shares_and_joins_quota_and_period()
    {
        Assert.Equal(["cpu cpu.weight=100", "cpu cpu.max=50000 100000"], Lines(Parse("""{"cpu":{"shares":1024,"quota":50000,"period":100000}}"""), V2));
        Assert.Equal(["cpu cpu.max=max 250000"], Lines(Parse("""{"cpu":{"period":250000}}"""), V2));
        Assert.Equal(["cpu cpu.max=max"], Lines(Parse("""{"cpu":{"quota":-1}}"""), V2));
        var burst = ResourcePlan.For(Parse("""{"cpu":{"quota":20000,"burst":5000}}"""), V2);
        Assert.Equal("cpu.max", burst.Single(w => w.File == "cpu.max.burst").RetryAfter);
        var rt = ResourcePlan.Build(Parse("""{"cpu":{"realtimeRuntime":1000}}"""), V2);
        Assert.DoesNotContain(rt.Writes, w => w.Controller == "cpu");
        Assert.Single(rt.Warnings);
    }

    [Fact]
    public void Shares_0_and_1_map_to_weights_0_and_1()
    {
        Assert.Equal(0UL, ResourcePlan.SharesToWeight(0));
        Assert.Equal(1UL, ResourcePlan.SharesToWeight(1));
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 100UL)]
    [InlineData(262144UL, 10000UL)]
    [InlineData(1_000_000UL, 10000UL)]
    public void Shares_to_weight_keeps_the_ends_and_the_default(ulong shares, ulong weight)
    {
        Assert.Equal(weight, ResourcePlan.SharesToWeight(shares));
        // monotonic across the range
        var last = 0UL;
        for (var s = 2UL; s <= 262144; s += 97)
        {
            var w = ResourcePlan.SharesToWeight(s);
            Assert.InRange(w, last, 10000UL);
            last = w;
        }
    }

    [Fact]
    public void BlockIO_on_v1_with_bfq_fallbacks_and_throttles()
    {
        var r = Parse("""
            {"blockIO":{"weight":500,"leafWeight":300,
              "weightDevice":[{"major":8,"minor":0,"weight":600,"leafWeight":200},{"major":8,"minor":16,"weight":0}],
              "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],
              "throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":0}]}}
            """);
        var plan = ResourcePlan.For(r, Hybrid).Where(w => w.Controller == "blkio").ToList();
        Assert.Equal(
        [
            "blkio.weight=500", "blkio.leaf_weight=300", "blkio.weight_device=8:0 600", "blkio.leaf_weight_device=8:0 200",
            "blkio.throttle.read_bps_device=8:0 1048576", "blkio.throttle.write_iops_device=8:0 0",
        ], plan.Select(w => $"{w.File}={w.Value}"));
        Assert.Equal("blkio.bfq.weight", plan[0].Fallback?.File);
        Assert.Equal("blkio.bfq.weight_device", plan[2].Fallback?.File);
        Assert.Equal("linux.resources.blockIO.throttleReadBpsDevice[0]", plan[4].JsonPath);
    }

    [Fact]
    public void BlockIO_on_v2_prefers_bfq_and_converts_for_io_weight()
    {
        var r = Parse("""
            {"blockIO":{"weight":500,"leafWeight":300,"weightDevice":[{"major":8,"minor":0,"weight":1000}],
              "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":0}],
              "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":100}],"throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":200}]}}
            """);
        var result = ResourcePlan.Build(r, V2);
        var io = result.Writes.Where(w => w.Controller == "io").ToList();
        Assert.Equal(
        [
            "io.bfq.weight=500", "io.bfq.weight=8:0 1000",
            "io.max=8:0 rbps=1048576", "io.max=8:0 wbps=max", "io.max=8:0 riops=100", "io.max=8:0 wiops=200",
        ], io.Select(w => $"{w.File}={w.Value}"));
        Assert.Equal("io.weight=4950", $"{io[0].Fallback!.File}={io[0].Fallback!.Value}");
        Assert.Equal("io.weight=8:0 10000", $"{io[1].Fallback!.File}={io[1].Fallback!.Value}");
        Assert.Contains(result.Warnings, w => w.StartsWith("linux.resources.blockIO.leafWeight", StringComparison.Ordinal));
    }

    [Fact]
    public void BlockIO_weight_out_of_range_names_the_field()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"blockIO":{"weightDevice":[{"major":8,"minor":0,"weight":5}]}}"""), V2));
        Assert.Equal("linux.resources.blockIO.weightDevice[0].weight", e.JsonPath);
        Assert.Contains("10 to 1000", e.Message);
    }

    [Fact]
    public void Hugepages_use_cgroup2_on_this_hybrid_host_and_v1_files_on_v1()
    {
        var r = Parse("""{"hugepageLimits":[{"pageSize":"2MB","limit":4194304},{"pageSize":"1GB","limit":0}]}""");
        Assert.Equal(
        [
            "hugetlb hugetlb.2MB.max=4194304", "hugetlb hugetlb.2MB.rsvd.max=4194304",
            "hugetlb hugetlb.1GB.max=0", "hugetlb hugetlb.1GB.rsvd.max=0",
        ], Lines(r, Hybrid));
        Assert.Equal("hugetlb hugetlb.2MB.limit_in_bytes=4194304", Lines(r, V1)[0]);
        Assert.True(ResourcePlan.For(r, V1)[^1].SkipIfMissing);
    }

    [Fact]
    public void Hugepage_size_must_be_the_kernels_name()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"hugepageLimits":[{"pageSize":"../memory","limit":1}]}"""), V2));
        Assert.Equal("linux.resources.hugepageLimits[0].pageSize", e.JsonPath);
    }

    [Fact]
    public void Network_on_this_host_is_an_error_naming_path_value_and_remedy()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"network":{"classID":1048577}}"""), Hybrid));
        Assert.Equal("linux.resources.network.classID", e.JsonPath);
        Assert.Contains("1048577", e.Message);
        Assert.Contains("no net_cls controller", e.Message);
        Assert.Contains("remove the setting", e.Message);
        Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"network":{"priorities":[{"name":"eth0","priority":5}]}}"""), V2));
        Assert.Empty(Lines(Parse("""{"network":{"classID":0}}"""), Hybrid));
    }

    [Fact]
    public void Network_on_v1()
    {
        Assert.Equal(
            ["net_cls net_cls.classid=1048577", "net_prio net_prio.ifpriomap=eth0 5", "net_prio net_prio.ifpriomap=lo 2"],
            Lines(Parse("""{"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5},{"name":"lo","priority":2}]}}"""), V1));
    }

    [Fact]
    public void Rdma_where_there_is_an_rdma_controller_and_an_error_here()
    {
        var r = Parse("""{"rdma":{"mlx5_1":{"hcaObjects":100},"mlx5_0":{"hcaHandles":3,"hcaObjects":1000}}}""");
        Assert.Equal(["rdma rdma.max=mlx5_0 hca_handle=3 hca_object=1000", "rdma rdma.max=mlx5_1 hca_object=100"], Lines(r, V2));
        Assert.Equal(2, Lines(r, V1).Count);
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(r, Hybrid));
        Assert.Equal("linux.resources.rdma[\"mlx5_0\"]", e.JsonPath);
        Assert.Contains("no rdma controller", e.Message);
    }

    [Fact]
    public void Unified_keys_go_to_cgroup2_when_their_controller_is_there()
    {
        var r = Parse("""{"unified":{"hugetlb.2MB.max":"2097152","cgroup.max.descendants":"10","io.max":"8:0 rbps=1\n8:16 wbps=2\n"}}""");
        Assert.Equal(["unified cgroup.max.descendants=10", "hugetlb hugetlb.2MB.max=2097152"],
            Lines(Parse("""{"unified":{"hugetlb.2MB.max":"2097152","cgroup.max.descendants":"10"}}"""), Hybrid));
        Assert.Equal(["unified cgroup.max.descendants=10", "hugetlb hugetlb.2MB.max=2097152", "io io.max=8:0 rbps=1", "io io.max=8:16 wbps=2"], Lines(r, V2));

        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"unified":{"memory.high":"1000000"}}"""), Hybrid));
        Assert.Equal("linux.resources.unified[\"memory.high\"]", e.JsonPath);
        Assert.Contains("cgroup v1 hierarchy", e.Message);
        e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"unified":{"misc.max":"x 1"}}"""), Hybrid));
        Assert.Contains("does not offer the misc controller", e.Message);
        e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"unified":{"pids.max":"10"}}"""), V1));
        Assert.Contains("no cgroup2", e.Message);
        e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"unified":{"../memory.max":"1"}}"""), V2));
        Assert.Contains("CONTROLLER.FILE", e.Message);
    }

    [Fact]
    public void Devices_on_v1_deny_all_then_the_rules_in_order_then_runc_defaults()
    {
        var config = ConfigJson.Load(Path.Combine(Host.RepoRoot, "tests/data/configs/docker-run.json"));
        var devices = ResourcePlan.For(config.Linux!.Resources!, Hybrid).Where(w => w.Controller == "devices").Select(w => $"{w.File} {w.Value}").ToList();
        Assert.Equal(
        [
            "devices.deny a", "devices.deny a", "devices.allow c 1:5 rwm", "devices.allow c 1:3 rwm", "devices.allow c 1:9 rwm",
            "devices.allow c 1:8 rwm", "devices.allow c 5:0 rwm", "devices.allow c 5:1 rwm", "devices.deny c 10:229 rwm",
            "devices.allow c *:* m", "devices.allow b *:* m", "devices.allow c 1:3 rwm", "devices.allow c 1:8 rwm",
            "devices.allow c 1:7 rwm", "devices.allow c 5:0 rwm", "devices.allow c 1:5 rwm", "devices.allow c 1:9 rwm",
            "devices.allow c 136:* rwm", "devices.allow c 5:2 rwm", "devices.allow c 10:200 rwm",
        ], devices);
    }

    [Fact]
    public void Devices_on_v2_become_the_filter_and_update_without_devices_leaves_them()
    {
        var config = ConfigJson.Load(Path.Combine(Host.RepoRoot, "tests/data/configs/docker-run.json"));
        var plan = ResourcePlan.Build(config.Linux!.Resources!, V2);
        Assert.DoesNotContain(plan.Writes, w => w.Controller == "devices");
        var filter = plan.DeviceFilter!;
        Assert.False(filter.DefaultAllow);
        Assert.False(filter.Allows(DeviceKind.Char, 10, 229, DeviceAccess.Read));
        Assert.True(filter.Allows(DeviceKind.Char, 1, 3, DeviceAccess.Read | DeviceAccess.Write));
        Assert.False(filter.Allows(DeviceKind.Block, 8, 0, DeviceAccess.Read));

        Assert.Null(ResourcePlan.Build(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }, V2, update: true).DeviceFilter);
        Assert.Empty(ResourcePlan.For(new LinuxResources(), Hybrid, update: true));
    }

    [Fact]
    public void Device_rule_with_empty_access_is_refused_like_runc()
    {
        var e = Assert.Throws<CgroupResourceException>(() => ResourcePlan.For(Parse("""{"devices":[{"allow":true,"type":"c","major":1,"minor":3}]}"""), Hybrid));
        Assert.Equal("linux.resources.devices[0].access", e.JsonPath);
    }
}
