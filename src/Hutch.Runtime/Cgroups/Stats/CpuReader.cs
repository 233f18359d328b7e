namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>CPU time and CFS throttling: v1 cpuacct.* and cpu.stat, or v2 cpu.stat.</summary>
internal static class CpuReader
{
    // cpuacct.stat counts in USER_HZ ticks, which is 100 per second on every architecture .NET
    // runs on (runc converts with the same value from sysconf(_SC_CLK_TCK)).
    private const ulong NanosecondsPerTick = 1_000_000_000 / 100;
    private const ulong NanosecondsPerMicrosecond = 1_000;

    /// <summary>v1 cpuacct: total, per-CPU (all, kernel, user) and user/kernel time.</summary>
    public static void ReadV1Usage(string cpuacctDirectory, CpuUsage usage)
    {
        usage.Total = CgroupFiles.ReadNumber(cpuacctDirectory, "cpuacct.usage") ?? 0;
        if (CgroupFiles.ReadText(cpuacctDirectory, "cpuacct.usage_percpu") is { } percpu)
        {
            usage.Percpu = NullWhenEmpty(CgroupFiles.ParseNumberList(percpu, Path.Combine(cpuacctDirectory, "cpuacct.usage_percpu")));
        }
        if (CgroupFiles.ReadText(cpuacctDirectory, "cpuacct.usage_all") is { } all)
        {
            (usage.PercpuUser, usage.PercpuKernel) = ParseUsageAll(all, Path.Combine(cpuacctDirectory, "cpuacct.usage_all"));
        }
        var ticks = CgroupFiles.ReadKeyed(cpuacctDirectory, "cpuacct.stat");
        usage.User = ticks.GetValueOrDefault("user") * NanosecondsPerTick;
        usage.Kernel = ticks.GetValueOrDefault("system") * NanosecondsPerTick;
    }

    /// <summary>v1 cpu.stat: nr_periods, nr_throttled, throttled_time (already nanoseconds).</summary>
    public static void ReadV1Throttling(string cpuDirectory, CpuThrottling throttling)
    {
        var stat = CgroupFiles.ReadKeyed(cpuDirectory, "cpu.stat");
        throttling.Periods = stat.GetValueOrDefault("nr_periods");
        throttling.ThrottledPeriods = stat.GetValueOrDefault("nr_throttled");
        throttling.ThrottledTime = stat.GetValueOrDefault("throttled_time");
    }

    /// <summary>v2 cpu.stat (microseconds): usage_usec, user_usec, system_usec, and throttling when the cpu controller is on.</summary>
    public static void ReadV2(string unifiedDirectory, CpuStats cpu)
    {
        var stat = CgroupFiles.ReadKeyed(unifiedDirectory, "cpu.stat");
        cpu.Usage.Total = stat.GetValueOrDefault("usage_usec") * NanosecondsPerMicrosecond;
        cpu.Usage.User = stat.GetValueOrDefault("user_usec") * NanosecondsPerMicrosecond;
        cpu.Usage.Kernel = stat.GetValueOrDefault("system_usec") * NanosecondsPerMicrosecond;
        cpu.Throttling.Periods = stat.GetValueOrDefault("nr_periods");
        cpu.Throttling.ThrottledPeriods = stat.GetValueOrDefault("nr_throttled");
        cpu.Throttling.ThrottledTime = stat.GetValueOrDefault("throttled_usec") * NanosecondsPerMicrosecond;
    }

    /// <summary>cpuacct.usage_all: a "cpu user system" header, then one row per CPU.</summary>
    internal static (List<ulong>? User, List<ulong>? Kernel) ParseUsageAll(string text, string path)
    {
        var user = new List<ulong>();
        var kernel = new List<ulong>();
        foreach (var line in CgroupFiles.Lines(text).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3)
            {
                throw CgroupFiles.Malformed(path, line, "\"cpu user system\"");
            }
            user.Add(CgroupFiles.ParseNumber(fields[1], path));
            kernel.Add(CgroupFiles.ParseNumber(fields[2], path));
        }
        return (NullWhenEmpty(user), NullWhenEmpty(kernel));
    }

    private static List<ulong>? NullWhenEmpty(List<ulong> list) => list.Count == 0 ? null : list;
}
