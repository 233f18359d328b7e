using System.Text.Json.Serialization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>runc's `types.Memory`; bytes.</summary>
internal sealed class MemoryStats
{
    /// <summary>Page cache: memory.stat "cache" (v1) or "file" (v2).</summary>
    [JsonPropertyName("cache")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Cache { get; set; }

    [JsonPropertyName("usage")]
    public MemoryEntry Usage { get; set; } = new();

    /// <summary>Memory plus swap, as v1's memory.memsw.* counts it (v2 values are added up to match).</summary>
    [JsonPropertyName("swap")]
    public MemoryEntry Swap { get; set; } = new();

    /// <summary>v1 memory.kmem.*.</summary>
    [JsonPropertyName("kernel")]
    public MemoryEntry Kernel { get; set; } = new();

    /// <summary>v1 memory.kmem.tcp.*.</summary>
    [JsonPropertyName("kernelTCP")]
    public MemoryEntry KernelTcp { get; set; } = new();

    /// <summary>memory.stat, key by key, sorted (Go writes map keys in order).</summary>
    [JsonPropertyName("raw")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, ulong>? Raw { get; set; }
}

/// <summary>runc's `types.MemoryEntry`.</summary>
internal sealed class MemoryEntry
{
    /// <summary>The limit; "max" (v2) reads as 2^64-1, v1's "unlimited" as the kernel prints it.</summary>
    [JsonPropertyName("limit")]
    public ulong Limit { get; set; }

    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; set; }

    /// <summary>The highest usage recorded (v1 max_usage_in_bytes, v2 *.peak).</summary>
    [JsonPropertyName("max")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Max { get; set; }

    [JsonPropertyName("failcnt")]
    public ulong Failcnt { get; set; }
}
