using System.Text.Json.Serialization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// The `data` of a stats event, laid out as runc's `types.Stats` (runc/types/events.go) so that
/// clients decoding runc's events (containerd's go-runc, podman) read hutch's unchanged: the same
/// property names, and the same omissions (Go's omitempty: a zero number or an empty list is left
/// out where runc leaves it out). intel_rdt and the PSI blocks are not reported.
/// </summary>
internal sealed class StatsData
{
    [JsonPropertyName("cpu")]
    public CpuStats Cpu { get; set; } = new();

    [JsonPropertyName("cpuset")]
    public CpusetStats Cpuset { get; set; } = new();

    [JsonPropertyName("memory")]
    public MemoryStats Memory { get; set; } = new();

    [JsonPropertyName("pids")]
    public PidsStats Pids { get; set; } = new();

    [JsonPropertyName("blkio")]
    public BlkioStats Blkio { get; set; } = new();

    /// <summary>Per huge page size ("2MB", "1GB"); always present, empty without hugetlb.</summary>
    [JsonPropertyName("hugetlb")]
    public Dictionary<string, HugetlbStats> Hugetlb { get; set; } = [];

    /// <summary>The devices of the container's network namespace but lo; null when it has none of its own.</summary>
    [JsonPropertyName("network_interfaces")]
    public List<NetworkInterfaceStats>? NetworkInterfaces { get; set; }
}

/// <summary>runc's `types.Pids`.</summary>
internal sealed class PidsStats
{
    [JsonPropertyName("current")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Current { get; set; }

    /// <summary>pids.max; 0 (left out) when it is "max".</summary>
    [JsonPropertyName("limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; set; }
}

/// <summary>runc's `types.Hugetlb` for one page size.</summary>
internal sealed class HugetlbStats
{
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; set; }

    /// <summary>The highest usage recorded (v1 max_usage_in_bytes; cgroup v2 has none).</summary>
    [JsonPropertyName("max")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Max { get; set; }

    /// <summary>Allocations refused by the limit (v1 failcnt, v2 the "max" count of hugetlb.SIZE.events).</summary>
    [JsonPropertyName("failcnt")]
    public ulong Failcnt { get; set; }
}

/// <summary>
/// runc's `types.NetworkInterface`. runc's struct has no JSON tags, so Go writes its field
/// names as they are ("Name", "RxBytes", ...); so does hutch.
/// </summary>
internal sealed class NetworkInterfaceStats
{
    public string Name { get; set; } = "";

    public ulong RxBytes { get; set; }

    public ulong RxPackets { get; set; }

    public ulong RxErrors { get; set; }

    public ulong RxDropped { get; set; }

    public ulong TxBytes { get; set; }

    public ulong TxPackets { get; set; }

    public ulong TxErrors { get; set; }

    public ulong TxDropped { get; set; }
}
