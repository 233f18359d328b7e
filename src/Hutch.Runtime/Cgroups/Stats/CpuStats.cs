using System.Text.Json.Serialization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>runc's `types.Cpu`.</summary>
internal sealed class CpuStats
{
    [JsonPropertyName("usage")]
    public CpuUsage Usage { get; set; } = new();

    [JsonPropertyName("throttling")]
    public CpuThrottling Throttling { get; set; } = new();
}

/// <summary>runc's `types.CpuUsage`; every time in nanoseconds.</summary>
internal sealed class CpuUsage
{
    [JsonPropertyName("total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Total { get; set; }

    /// <summary>v1 cpuacct.usage_percpu (cgroup v2 has no per-CPU counters).</summary>
    [JsonPropertyName("percpu")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ulong>? Percpu { get; set; }

    [JsonPropertyName("percpu_kernel")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ulong>? PercpuKernel { get; set; }

    [JsonPropertyName("percpu_user")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ulong>? PercpuUser { get; set; }

    [JsonPropertyName("kernel")]
    public ulong Kernel { get; set; }

    [JsonPropertyName("user")]
    public ulong User { get; set; }
}

/// <summary>runc's `types.Throttling` (CFS bandwidth control).</summary>
internal sealed class CpuThrottling
{
    [JsonPropertyName("periods")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Periods { get; set; }

    [JsonPropertyName("throttledPeriods")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ThrottledPeriods { get; set; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("throttledTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ThrottledTime { get; set; }
}

/// <summary>runc's `types.CPUSet`: the cpuset controller's settings.</summary>
internal sealed class CpusetStats
{
    [JsonPropertyName("cpus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ushort>? Cpus { get; set; }

    [JsonPropertyName("cpu_exclusive")]
    public ulong CpuExclusive { get; set; }

    [JsonPropertyName("mems")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ushort>? Mems { get; set; }

    [JsonPropertyName("mem_hardwall")]
    public ulong MemHardwall { get; set; }

    [JsonPropertyName("mem_exclusive")]
    public ulong MemExclusive { get; set; }

    [JsonPropertyName("memory_migrate")]
    public ulong MemoryMigrate { get; set; }

    [JsonPropertyName("memory_spread_page")]
    public ulong MemorySpreadPage { get; set; }

    [JsonPropertyName("memory_spread_slab")]
    public ulong MemorySpreadSlab { get; set; }

    [JsonPropertyName("memory_pressure")]
    public ulong MemoryPressure { get; set; }

    [JsonPropertyName("sched_load_balance")]
    public ulong SchedLoadBalance { get; set; }

    [JsonPropertyName("sched_relax_domain_level")]
    public long SchedRelaxDomainLevel { get; set; }
}
