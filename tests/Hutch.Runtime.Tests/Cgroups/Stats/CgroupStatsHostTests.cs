using Hutch.Linux.Cgroups;
using Hutch.Runtime.Cgroups.Stats;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>
/// Stats of real cgroups this test makes in the v1 hierarchies of this VM and under its cgroup2
/// mount, with a child shell inside that does some work first.
/// </summary>
public class CgroupStatsHostTests
{
    private static readonly string[] V1Controllers = ["memory", "pids", "cpuacct", "cpu", "blkio", "cpuset"];

    // Burns some CPU, keeps 1 MiB in a shell variable (charged to the memory cgroup), then says so and sleeps.
    private const string Work =
        "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; x=$(head -c 1048576 /dev/zero | tr '\\0' a); echo ready; exec sleep 30";

    [RootFact]
    public void V1_hierarchies_report_pids_memory_and_cpu_of_the_processes_inside()
    {
        using var cgroup = TestCgroup.Create(V1Controllers.Where(c => Directory.Exists(Path.Combine(TestCgroup.CgroupRoot, c))));
        cgroup.Write("pids", "pids.max", "100");
        using var child = ShellChild.Start(Work);
        cgroup.Add(child.Pid);
        child.Go();
        Assert.Equal("ready", child.ReadLine(TimeSpan.FromSeconds(30)));

        var stats = CgroupStats.Read(cgroup.Directories);

        Assert.True(stats.Pids.Current >= 1, $"pids.current {stats.Pids.Current}");
        Assert.Equal(100UL, stats.Pids.Limit);
        Assert.True(stats.Memory.Usage.Usage > 0, "memory usage is 0");
        Assert.True(stats.Memory.Usage.Max >= stats.Memory.Usage.Usage);
        Assert.True(stats.Memory.Usage.Limit > 0);
        Assert.NotNull(stats.Memory.Raw);
        Assert.Contains("rss", stats.Memory.Raw.Keys);
        Assert.True(stats.Cpu.Usage.Total > 0, "cpuacct.usage is 0");
        Assert.Equal(Environment.ProcessorCount, stats.Cpu.Usage.Percpu!.Count);
        Assert.Equal(Environment.ProcessorCount, stats.Cpu.Usage.PercpuUser!.Count);
        // The child sleeps now: the per-CPU times add up to the total.
        Assert.Equal(stats.Cpu.Usage.Total, stats.Cpu.Usage.Percpu.Aggregate(0UL, (a, b) => a + b));
        if (cgroup.Directories.ContainsKey("cpuset"))
        {
            Assert.Equal(Environment.ProcessorCount, stats.Cpuset.Cpus!.Count);
            Assert.NotNull(stats.Cpuset.Mems);
        }
    }

    [RootFact]
    public void Unified_directory_reports_cpu_usage_from_its_core_cpu_stat()
    {
        using var cgroup = TestCgroup.Create([], unified: true);
        using var child = ShellChild.Start(Work);
        cgroup.Add(child.Pid);
        child.Go();
        Assert.Equal("ready", child.ReadLine(TimeSpan.FromSeconds(30)));

        var stats = CgroupStats.Read(cgroup.Directories);

        Assert.True(stats.Cpu.Usage.Total > 0, "usage_usec is 0");
        Assert.True(stats.Cpu.Usage.User + stats.Cpu.Usage.Kernel > 0);
        Assert.Null(stats.Cpu.Usage.Percpu);
        // hugetlb is on in a child cgroup only when the root delegates it; then its sizes show.
        var delegated = File.ReadAllText(Path.Combine(TestCgroup.UnifiedMount, "cgroup.subtree_control")).Split(' ', '\n');
        if (delegated.Contains("hugetlb"))
        {
            Assert.NotEmpty(stats.Hugetlb);
        }
        else
        {
            Assert.Empty(stats.Hugetlb);
        }
    }

    [RootFact]
    public void A_cgroup_attached_from_its_directories_reads_the_same()
    {
        using var cgroup = TestCgroup.Create(["pids"]);
        cgroup.Write("pids", "pids.max", "42");
        using var child = ShellChild.Start("exec sleep 60");
        cgroup.Add(child.Pid);

        var stats = CgroupStats.Read(Cgroup.Attach(CgroupLayout.Detect(), cgroup.Directories));

        Assert.Equal(1UL, stats.Pids.Current);
        Assert.Equal(42UL, stats.Pids.Limit);
    }
}
