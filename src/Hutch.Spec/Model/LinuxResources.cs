using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>cgroup limits (config-linux.md, "Control groups").</summary>
internal sealed class LinuxResources
{
    /// <summary>Device allow/deny list, applied in order.</summary>
    public List<LinuxDeviceCgroup>? Devices { get; set; }

    public LinuxMemory? Memory { get; set; }

    public LinuxCpu? Cpu { get; set; }

    public LinuxPids? Pids { get; set; }

    [JsonPropertyName("blockIO")]
    public LinuxBlockIO? BlockIO { get; set; }

    public List<LinuxHugepageLimit>? HugepageLimits { get; set; }

    public LinuxNetwork? Network { get; set; }

    /// <summary>Keyed by RDMA device name.</summary>
    public Dictionary<string, LinuxRdma>? Rdma { get; set; }

    /// <summary>cgroup v2 files and values, written as they are.</summary>
    public Dictionary<string, string>? Unified { get; set; }
}

/// <summary>One device cgroup rule.</summary>
internal sealed class LinuxDeviceCgroup
{
    /// <summary>REQUIRED.</summary>
    public bool Allow { get; set; }

    /// <summary>a, c or b; absent means all.</summary>
    public string? Type { get; set; }

    public long? Major { get; set; }

    public long? Minor { get; set; }

    /// <summary>Letters of rwm.</summary>
    public string? Access { get; set; }
}

/// <summary>Memory controller; byte values, -1 for unlimited.</summary>
internal sealed class LinuxMemory
{
    public long? Limit { get; set; }

    public long? Reservation { get; set; }

    public long? Swap { get; set; }

    /// <summary>Deprecated by the spec (kernel memory limits are gone from the kernel).</summary>
    public long? Kernel { get; set; }

    [JsonPropertyName("kernelTCP")]
    public long? KernelTCP { get; set; }

    public ulong? Swappiness { get; set; }

    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOOMKiller { get; set; }

    public bool? UseHierarchy { get; set; }

    /// <summary>Refuse an update that sets the limit below current usage.</summary>
    public bool? CheckBeforeUpdate { get; set; }
}

/// <summary>cpu and cpuset controllers.</summary>
internal sealed class LinuxCpu
{
    public ulong? Shares { get; set; }

    public long? Quota { get; set; }

    /// <summary>Microseconds the cgroup may exceed its quota by.</summary>
    public ulong? Burst { get; set; }

    public ulong? Period { get; set; }

    public long? RealtimeRuntime { get; set; }

    public ulong? RealtimePeriod { get; set; }

    public string? Cpus { get; set; }

    public string? Mems { get; set; }

    /// <summary>cgroup v2 cpu.idle: 1 makes the cgroup SCHED_IDLE.</summary>
    public long? Idle { get; set; }
}

/// <summary>pids controller.</summary>
internal sealed class LinuxPids
{
    /// <summary>Maximum number of tasks; -1 (or 0, by runc's reading) means "max". Optional since v1.3.0.</summary>
    public long? Limit { get; set; }
}

/// <summary>blkio / io controller.</summary>
internal sealed class LinuxBlockIO
{
    public ushort? Weight { get; set; }

    public ushort? LeafWeight { get; set; }

    public List<LinuxWeightDevice>? WeightDevice { get; set; }

    public List<LinuxThrottleDevice>? ThrottleReadBpsDevice { get; set; }

    public List<LinuxThrottleDevice>? ThrottleWriteBpsDevice { get; set; }

    [JsonPropertyName("throttleReadIOPSDevice")]
    public List<LinuxThrottleDevice>? ThrottleReadIOPSDevice { get; set; }

    [JsonPropertyName("throttleWriteIOPSDevice")]
    public List<LinuxThrottleDevice>? ThrottleWriteIOPSDevice { get; set; }
}

/// <summary>A per-device weight.</summary>
internal sealed class LinuxWeightDevice
{
    public long Major { get; set; }

    public long Minor { get; set; }

    public ushort? Weight { get; set; }

    public ushort? LeafWeight { get; set; }
}

/// <summary>A per-device rate limit (bytes or operations per second).</summary>
internal sealed class LinuxThrottleDevice
{
    public long Major { get; set; }

    public long Minor { get; set; }

    public ulong Rate { get; set; }
}

/// <summary>hugetlb limit for one page size.</summary>
internal sealed class LinuxHugepageLimit
{
    /// <summary>REQUIRED. Like "2MB" or "1GB".</summary>
    public string PageSize { get; set; } = "";

    public ulong Limit { get; set; }
}

/// <summary>net_cls / net_prio controllers.</summary>
internal sealed class LinuxNetwork
{
    [JsonPropertyName("classID")]
    public uint? ClassID { get; set; }

    public List<LinuxInterfacePriority>? Priorities { get; set; }
}

/// <summary>net_prio priority of one interface.</summary>
internal sealed class LinuxInterfacePriority
{
    public string Name { get; set; } = "";

    public uint Priority { get; set; }
}

/// <summary>rdma controller limits of one device.</summary>
internal sealed class LinuxRdma
{
    public uint? HcaHandles { get; set; }

    public uint? HcaObjects { get; set; }
}
