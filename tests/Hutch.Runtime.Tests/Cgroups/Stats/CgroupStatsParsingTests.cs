using Hutch.Runtime.Cgroups.Stats;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>
/// The readers on directories of files that hold text as this kernel writes it (samples taken
/// from /sys/fs/cgroup on the 6.18 VM, v1 and v2), so every shape and conversion is checked
/// without root.
/// </summary>
public sealed class CgroupStatsParsingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hutch-stats-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void V1_cpuacct_and_cpu_stat()
    {
        var cpuacct = Dir("cpuacct", new()
        {
            ["cpuacct.usage"] = "9937445552281\n",
            ["cpuacct.usage_percpu"] = "4891811644639 5045633907642 \n",
            ["cpuacct.usage_all"] = "cpu user system\n0 4445493025302 422785369854\n1 4557436899458 464049922614\n",
            ["cpuacct.stat"] = "user 904633\nsystem 89111\n",
        });
        var cpu = Dir("cpu", new()
        {
            ["cpu.stat"] = "nr_periods 120\nnr_throttled 7\nthrottled_time 3500000\nnr_bursts 0\nburst_time 0\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["cpuacct"] = cpuacct, ["cpu"] = cpu });

        Assert.Equal(9937445552281UL, stats.Cpu.Usage.Total);
        Assert.Equal([4891811644639UL, 5045633907642UL], stats.Cpu.Usage.Percpu);
        Assert.Equal([4445493025302UL, 4557436899458UL], stats.Cpu.Usage.PercpuUser);
        Assert.Equal([422785369854UL, 464049922614UL], stats.Cpu.Usage.PercpuKernel);
        // USER_HZ ticks (100 a second) to nanoseconds.
        Assert.Equal(904633UL * 10_000_000, stats.Cpu.Usage.User);
        Assert.Equal(89111UL * 10_000_000, stats.Cpu.Usage.Kernel);
        Assert.Equal(120UL, stats.Cpu.Throttling.Periods);
        Assert.Equal(7UL, stats.Cpu.Throttling.ThrottledPeriods);
        Assert.Equal(3500000UL, stats.Cpu.Throttling.ThrottledTime);
    }

    [Fact]
    public void V2_cpu_stat_in_microseconds()
    {
        var unified = Dir("unified", new()
        {
            ["cpu.stat"] = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnice_usec 0\ncore_sched.force_idle_usec 0\n" +
                           "nr_periods 10\nnr_throttled 2\nthrottled_usec 40\nnr_bursts 0\nburst_usec 0\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["unified"] = unified });

        Assert.Equal(1_500_000UL, stats.Cpu.Usage.Total);
        Assert.Equal(1_000_000UL, stats.Cpu.Usage.User);
        Assert.Equal(500_000UL, stats.Cpu.Usage.Kernel);
        Assert.Null(stats.Cpu.Usage.Percpu);
        Assert.Equal(10UL, stats.Cpu.Throttling.Periods);
        Assert.Equal(2UL, stats.Cpu.Throttling.ThrottledPeriods);
        Assert.Equal(40_000UL, stats.Cpu.Throttling.ThrottledTime);
    }

    [Fact]
    public void V1_memory_with_memsw_kmem_and_memory_stat()
    {
        var memory = Dir("memory", new()
        {
            ["memory.usage_in_bytes"] = "18321408\n",
            ["memory.max_usage_in_bytes"] = "20000768\n",
            ["memory.failcnt"] = "3\n",
            ["memory.limit_in_bytes"] = "9223372036854771712\n",
            ["memory.memsw.usage_in_bytes"] = "18321408\n",
            ["memory.memsw.max_usage_in_bytes"] = "20000768\n",
            ["memory.memsw.failcnt"] = "0\n",
            ["memory.memsw.limit_in_bytes"] = "9223372036854771712\n",
            ["memory.kmem.usage_in_bytes"] = "1048576\n",
            ["memory.kmem.max_usage_in_bytes"] = "0\n",
            ["memory.kmem.failcnt"] = "0\n",
            ["memory.kmem.limit_in_bytes"] = "9223372036854771712\n",
            // No memory.kmem.tcp.* files: an entry of zeros.
            ["memory.stat"] = "cache 9281536\nrss 9039872\nrss_huge 0\nshmem 9068544\nmapped_file 7487488\n" +
                              "hierarchical_memory_limit 9223372036854771712\ntotal_cache 244908032\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["memory"] = memory });

        Assert.Equal(9281536UL, stats.Memory.Cache);
        Assert.Equal(18321408UL, stats.Memory.Usage.Usage);
        Assert.Equal(20000768UL, stats.Memory.Usage.Max);
        Assert.Equal(3UL, stats.Memory.Usage.Failcnt);
        Assert.Equal(9223372036854771712UL, stats.Memory.Usage.Limit);
        Assert.Equal(18321408UL, stats.Memory.Swap.Usage);
        Assert.Equal(1048576UL, stats.Memory.Kernel.Usage);
        Assert.Equal(0UL, stats.Memory.KernelTcp.Usage);
        Assert.Equal(7, stats.Memory.Raw!.Count);
        Assert.Equal(9039872UL, stats.Memory.Raw["rss"]);
        Assert.Equal(stats.Memory.Raw.Keys.Order(StringComparer.Ordinal), stats.Memory.Raw.Keys);
    }

    [Fact]
    public void V2_memory_max_is_unlimited_and_swap_counts_memory_plus_swap()
    {
        var unified = Dir("unified", new()
        {
            ["memory.current"] = "4096000\n",
            ["memory.max"] = "max\n",
            ["memory.peak"] = "8192000\n",
            ["memory.swap.current"] = "1000\n",
            ["memory.swap.max"] = "max\n",
            ["memory.stat"] = "anon 2048000\nfile 1024000\nkernel 300000\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["unified"] = unified });

        Assert.Equal(4096000UL, stats.Memory.Usage.Usage);
        Assert.Equal(ulong.MaxValue, stats.Memory.Usage.Limit);
        Assert.Equal(8192000UL, stats.Memory.Usage.Max);
        Assert.Equal(4097000UL, stats.Memory.Swap.Usage);
        Assert.Equal(ulong.MaxValue, stats.Memory.Swap.Limit);
        Assert.Equal(0UL, stats.Memory.Swap.Max);
        Assert.Equal(1024000UL, stats.Memory.Cache);
    }

    [Fact]
    public void V2_swap_limit_adds_the_memory_limit_when_both_are_set()
    {
        var unified = Dir("unified", new()
        {
            ["memory.current"] = "100\n",
            ["memory.max"] = "1048576\n",
            ["memory.swap.current"] = "0\n",
            ["memory.swap.max"] = "2097152\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["unified"] = unified });

        Assert.Equal(3145728UL, stats.Memory.Swap.Limit);
        Assert.Null(stats.Memory.Raw);
    }

    [Theory]
    [InlineData("max\n", 0UL)]
    [InlineData("64\n", 64UL)]
    public void Pids_current_and_limit_max_as_zero(string max, ulong limit)
    {
        var pids = Dir("pids", new() { ["pids.current"] = "3\n", ["pids.max"] = max });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["pids"] = pids });

        Assert.Equal(3UL, stats.Pids.Current);
        Assert.Equal(limit, stats.Pids.Limit);
    }

    [Fact]
    public void V1_blkio_uses_throttle_files_when_cfq_and_bfq_are_empty()
    {
        var blkio = Dir("blkio", new()
        {
            ["blkio.bfq.io_serviced_recursive"] = "Total 0\n",
            ["blkio.throttle.io_service_bytes_recursive"] =
                "254:0 Read 4096\n254:0 Write 8192\n254:0 Sync 8192\n254:0 Async 4096\n254:0 Discard 0\n254:0 Total 12288\nTotal 12288\n",
            ["blkio.throttle.io_serviced_recursive"] = "254:0 Read 1\n254:0 Write 2\nTotal 3\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["blkio"] = blkio });

        Assert.Equal(6, stats.Blkio.IoServiceBytesRecursive!.Count);
        Assert.Equal(new BlkioEntry { Major = 254, Minor = 0, Op = "Read", Value = 4096 }, stats.Blkio.IoServiceBytesRecursive[0]);
        Assert.Equal(new BlkioEntry { Major = 254, Minor = 0, Op = "Total", Value = 12288 }, stats.Blkio.IoServiceBytesRecursive[5]);
        Assert.Equal(2, stats.Blkio.IoServicedRecursive!.Count);
        Assert.Null(stats.Blkio.IoQueuedRecursive);
    }

    [Fact]
    public void V1_blkio_prefers_bfq_when_it_has_entries()
    {
        var blkio = Dir("blkio", new()
        {
            ["blkio.bfq.io_serviced_recursive"] = "8:0 Read 5\n8:0 Write 6\nTotal 11\n",
            ["blkio.bfq.io_service_bytes_recursive"] = "8:0 Read 20480\n8:0 Write 24576\nTotal 45056\n",
            ["blkio.throttle.io_serviced_recursive"] = "8:0 Read 99\nTotal 99\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["blkio"] = blkio });

        Assert.Equal([5UL, 6UL], stats.Blkio.IoServicedRecursive!.Select(e => e.Value));
        Assert.Equal(20480UL, stats.Blkio.IoServiceBytesRecursive![0].Value);
        Assert.Equal(8UL, stats.Blkio.IoServiceBytesRecursive[0].Major);
    }

    [Fact]
    public void V1_blkio_time_and_sectors_lines_have_no_op()
    {
        var entries = BlkioReader.Parse("8:16 1234\nTotal 1234\n", "blkio.time_recursive");

        Assert.Equal([new BlkioEntry { Major = 8, Minor = 16, Op = null, Value = 1234 }], entries);
    }

    [Fact]
    public void V2_io_stat_maps_bytes_and_ios_to_read_and_write()
    {
        var unified = Dir("unified", new()
        {
            ["io.stat"] = "254:0 rbytes=1323008 wbytes=4096 rios=68 wios=1 dbytes=0 dios=0\n8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["unified"] = unified });

        Assert.Equal(
            [new BlkioEntry { Major = 254, Minor = 0, Op = "Read", Value = 1323008 }, new BlkioEntry { Major = 254, Minor = 0, Op = "Write", Value = 4096 },
             new BlkioEntry { Major = 8, Minor = 0, Op = "Read", Value = 10 }, new BlkioEntry { Major = 8, Minor = 0, Op = "Write", Value = 20 }],
            stats.Blkio.IoServiceBytesRecursive);
        Assert.Equal([68UL, 1UL, 1UL, 2UL], stats.Blkio.IoServicedRecursive!.Select(e => e.Value));
    }

    [Fact]
    public void V2_hugetlb_per_page_size_with_events_max_as_failcnt()
    {
        var unified = Dir("unified", new()
        {
            ["hugetlb.2MB.current"] = "4194304\n",
            ["hugetlb.2MB.max"] = "max\n",
            ["hugetlb.2MB.events"] = "max 2\n",
            ["hugetlb.2MB.rsvd.current"] = "0\n",
            ["hugetlb.1GB.current"] = "0\n",
            ["hugetlb.1GB.events"] = "max 0\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["unified"] = unified });

        Assert.Equal(["1GB", "2MB"], stats.Hugetlb.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4194304UL, stats.Hugetlb["2MB"].Usage);
        Assert.Equal(2UL, stats.Hugetlb["2MB"].Failcnt);
        Assert.Equal(0UL, stats.Hugetlb["2MB"].Max);
    }

    [Fact]
    public void V1_hugetlb_usage_max_and_failcnt()
    {
        var hugetlb = Dir("hugetlb", new()
        {
            ["hugetlb.2MB.usage_in_bytes"] = "2097152\n",
            ["hugetlb.2MB.max_usage_in_bytes"] = "4194304\n",
            ["hugetlb.2MB.failcnt"] = "1\n",
            ["hugetlb.2MB.limit_in_bytes"] = "9223372036854771712\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["hugetlb"] = hugetlb });

        Assert.Equal(2097152UL, stats.Hugetlb["2MB"].Usage);
        Assert.Equal(4194304UL, stats.Hugetlb["2MB"].Max);
        Assert.Equal(1UL, stats.Hugetlb["2MB"].Failcnt);
    }

    [Fact]
    public void V1_cpuset_lists_and_flags()
    {
        var cpuset = Dir("cpuset", new()
        {
            ["cpuset.cpus"] = "0-2,5\n",
            ["cpuset.mems"] = "0\n",
            ["cpuset.cpu_exclusive"] = "1\n",
            ["cpuset.mem_hardwall"] = "0\n",
            ["cpuset.sched_load_balance"] = "1\n",
            ["cpuset.sched_relax_domain_level"] = "-1\n",
        });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["cpuset"] = cpuset });

        Assert.Equal([(ushort)0, (ushort)1, (ushort)2, (ushort)5], stats.Cpuset.Cpus);
        Assert.Equal([(ushort)0], stats.Cpuset.Mems);
        Assert.Equal(1UL, stats.Cpuset.CpuExclusive);
        Assert.Equal(1UL, stats.Cpuset.SchedLoadBalance);
        Assert.Equal(-1L, stats.Cpuset.SchedRelaxDomainLevel);
    }

    [Fact]
    public void V1_controller_wins_over_the_unified_directory()
    {
        var pids = Dir("pids", new() { ["pids.current"] = "2\n", ["pids.max"] = "max\n" });
        var unified = Dir("unified", new() { ["pids.current"] = "9\n", ["pids.max"] = "max\n", ["cpu.stat"] = "usage_usec 7\n" });

        var stats = CgroupStats.Read(new Dictionary<string, string> { ["pids"] = pids, ["unified"] = unified });

        Assert.Equal(2UL, stats.Pids.Current);
        Assert.Equal(7000UL, stats.Cpu.Usage.Total);
    }

    [Fact]
    public void Missing_files_and_directories_read_as_zero()
    {
        var stats = CgroupStats.Read(new Dictionary<string, string>
        {
            ["memory"] = Path.Combine(_root, "gone"),
            ["cpuacct"] = Path.Combine(_root, "gone"),
            ["unified"] = Path.Combine(_root, "gone"),
        });

        Assert.Equal(0UL, stats.Memory.Usage.Usage);
        Assert.Equal(0UL, stats.Cpu.Usage.Total);
        Assert.Empty(stats.Hugetlb);
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        var pids = Dir("pids", new() { ["pids.current"] = "lots\n" });

        var e = Assert.Throws<CgroupStatsException>(() => CgroupStats.Read(new Dictionary<string, string> { ["pids"] = pids }));

        Assert.Contains(Path.Combine(pids, "pids.current"), e.Message, StringComparison.Ordinal);
        Assert.Contains("`lots`", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0-3", new ushort[] { 0, 1, 2, 3 })]
    [InlineData("0,2,4-5\n", new ushort[] { 0, 2, 4, 5 })]
    [InlineData("\n", new ushort[0])]
    public void Id_lists(string text, ushort[] expected) =>
        Assert.Equal(expected, CgroupFiles.ParseIdList(text, "cpuset.cpus"));

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1-2-3")]
    public void Bad_id_lists_are_errors(string text) =>
        Assert.Throws<CgroupStatsException>(() => CgroupFiles.ParseIdList(text, "cpuset.cpus"));

    private string Dir(string name, Dictionary<string, string> files)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, file), text);
        }
        return dir;
    }
}
