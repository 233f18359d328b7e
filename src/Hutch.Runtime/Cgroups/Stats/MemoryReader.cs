namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>Memory: v1 memory.{usage_in_bytes,...}, memsw, kmem, kmem.tcp; or v2 memory.{current,max,peak}, memory.swap.*.</summary>
internal static class MemoryReader
{
    /// <summary>v1: usage, memory+swap (memsw), kernel (kmem), kernel TCP (kmem.tcp), memory.stat; cache is its "cache".</summary>
    public static void ReadV1(string directory, MemoryStats memory)
    {
        memory.Raw = ReadRaw(directory);
        memory.Cache = memory.Raw?.GetValueOrDefault("cache") ?? 0;
        memory.Usage = ReadV1Entry(directory, "memory");
        memory.Swap = ReadV1Entry(directory, "memory.memsw");
        memory.Kernel = ReadV1Entry(directory, "memory.kmem");
        memory.KernelTcp = ReadV1Entry(directory, "memory.kmem.tcp");
    }

    /// <summary>
    /// v2: usage from memory.current, memory.max, memory.peak; swap reported as memory plus swap
    /// (v1's memsw meaning, as runc does) with no peak; cache is memory.stat's "file".
    /// </summary>
    public static void ReadV2(string directory, MemoryStats memory)
    {
        memory.Raw = ReadRaw(directory);
        memory.Cache = memory.Raw?.GetValueOrDefault("file") ?? 0;
        memory.Usage = ReadV2Entry(directory, "memory");
        var swapOnly = ReadV2Entry(directory, "memory.swap");
        memory.Swap = new MemoryEntry
        {
            Usage = swapOnly.Usage + memory.Usage.Usage,
            Limit = swapOnly.Limit == CgroupFiles.Unlimited || memory.Usage.Limit == CgroupFiles.Unlimited
                ? CgroupFiles.Unlimited
                : swapOnly.Limit + memory.Usage.Limit,
        };
    }

    /// <summary>The memory.oom_control (v1) or memory.events (v2) counter of OOM kills, 0 when absent.</summary>
    public static ulong OomKills(string directory, bool unified) =>
        CgroupFiles.ReadKeyed(directory, unified ? "memory.events" : "memory.oom_control").GetValueOrDefault("oom_kill");

    private static SortedDictionary<string, ulong>? ReadRaw(string directory)
    {
        var stat = CgroupFiles.ReadKeyed(directory, "memory.stat");
        return stat.Count == 0 ? null : new SortedDictionary<string, ulong>(stat, StringComparer.Ordinal);
    }

    private static MemoryEntry ReadV1Entry(string directory, string prefix) => new()
    {
        Usage = CgroupFiles.ReadNumber(directory, prefix + ".usage_in_bytes") ?? 0,
        Max = CgroupFiles.ReadNumber(directory, prefix + ".max_usage_in_bytes") ?? 0,
        Failcnt = CgroupFiles.ReadNumber(directory, prefix + ".failcnt") ?? 0,
        Limit = CgroupFiles.ReadNumber(directory, prefix + ".limit_in_bytes") ?? 0,
    };

    private static MemoryEntry ReadV2Entry(string directory, string prefix) => new()
    {
        Usage = CgroupFiles.ReadNumber(directory, prefix + ".current") ?? 0,
        Limit = CgroupFiles.ReadNumber(directory, prefix + ".max") ?? 0,
        Max = CgroupFiles.ReadNumber(directory, prefix + ".peak") ?? 0,
    };
}
