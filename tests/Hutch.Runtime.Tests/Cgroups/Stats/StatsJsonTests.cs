using System.Text.Json;
using Hutch.Runtime.Cgroups.Stats;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>The events JSON has runc's names and omissions (types.Event, types.Stats).</summary>
public class StatsJsonTests
{
    [Fact]
    public void Empty_stats_print_what_runc_prints_for_zero_values()
    {
        var json = Events.Serialize(ContainerEvent.Stats("c1", new StatsData()));

        Assert.Equal(
            "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{" +
            "\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}}," +
            "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0," +
            "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0," +
            "\"sched_relax_domain_level\":0}," +
            "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0}," +
            "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0}}," +
            "\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"network_interfaces\":null}}",
            json);
    }

    [Fact]
    public void Oom_event_has_no_data()
    {
        Assert.Equal("{\"type\":\"oom\",\"id\":\"c1\"}", Events.Serialize(ContainerEvent.Oom("c1")));
    }

    [Fact]
    public void Filled_stats_use_runc_property_names()
    {
        var data = new StatsData();
        data.Cpu.Usage.Total = 10;
        data.Cpu.Usage.Percpu = [4, 6];
        data.Cpu.Usage.PercpuKernel = [1, 2];
        data.Cpu.Usage.PercpuUser = [3, 4];
        data.Cpu.Throttling.ThrottledPeriods = 2;
        data.Cpu.Throttling.ThrottledTime = 3;
        data.Cpuset.Cpus = [0, 1];
        data.Memory.Cache = 5;
        data.Memory.Usage = new MemoryEntry { Usage = 7, Max = 8, Limit = 9, Failcnt = 1 };
        data.Memory.Raw = new SortedDictionary<string, ulong>(StringComparer.Ordinal) { ["rss"] = 1, ["cache"] = 5 };
        data.Pids.Current = 2;
        data.Pids.Limit = 64;
        data.Blkio.IoServiceBytesRecursive = [new BlkioEntry { Major = 8, Op = "Read", Value = 512 }];
        data.Blkio.IoQueuedRecursive = [new BlkioEntry { Major = 8, Minor = 1, Value = 1 }];
        data.Hugetlb["2MB"] = new HugetlbStats { Usage = 2097152 };
        data.NetworkInterfaces = [new NetworkInterfaceStats { Name = "eth0", RxBytes = 100, TxPackets = 2 }];

        using var document = JsonDocument.Parse(Events.Serialize(ContainerEvent.Stats("c1", data)));
        var root = document.RootElement.GetProperty("data");

        var usage = root.GetProperty("cpu").GetProperty("usage");
        Assert.Equal(10UL, usage.GetProperty("total").GetUInt64());
        Assert.Equal(2, usage.GetProperty("percpu").GetArrayLength());
        Assert.Equal(2UL, usage.GetProperty("percpu_kernel")[1].GetUInt64());
        Assert.Equal(4UL, usage.GetProperty("percpu_user")[1].GetUInt64());
        var throttling = root.GetProperty("cpu").GetProperty("throttling");
        Assert.False(throttling.TryGetProperty("periods", out _));
        Assert.Equal(2UL, throttling.GetProperty("throttledPeriods").GetUInt64());
        Assert.Equal(3UL, throttling.GetProperty("throttledTime").GetUInt64());
        Assert.Equal(1, root.GetProperty("cpuset").GetProperty("cpus")[1].GetInt32());
        var memory = root.GetProperty("memory");
        Assert.Equal(5UL, memory.GetProperty("cache").GetUInt64());
        Assert.Equal("{\"limit\":9,\"usage\":7,\"max\":8,\"failcnt\":1}", memory.GetProperty("usage").GetRawText());
        Assert.Equal("{\"cache\":5,\"rss\":1}", memory.GetProperty("raw").GetRawText());
        Assert.Equal("{\"current\":2,\"limit\":64}", root.GetProperty("pids").GetRawText());
        Assert.Equal("[{\"major\":8,\"op\":\"Read\",\"value\":512}]", root.GetProperty("blkio").GetProperty("ioServiceBytesRecursive").GetRawText());
        Assert.True(root.GetProperty("blkio").TryGetProperty("ioQueueRecursive", out _));
        Assert.Equal("{\"2MB\":{\"usage\":2097152,\"failcnt\":0}}", root.GetProperty("hugetlb").GetRawText());
        Assert.Equal(
            "[{\"Name\":\"eth0\",\"RxBytes\":100,\"RxPackets\":0,\"RxErrors\":0,\"RxDropped\":0," +
            "\"TxBytes\":0,\"TxPackets\":2,\"TxErrors\":0,\"TxDropped\":0}]",
            root.GetProperty("network_interfaces").GetRawText());
    }
}
