namespace Hutch.Runtime.Cgroups;

/// <summary>
/// One value to write into one control file of the container's cgroup: <see cref="Controller"/> picks
/// the directory (a v1 controller's, or cgroup2's when the controller lives there; "unified" names the
/// cgroup2 directory itself). The init-only properties carry what runc does around some writes.
/// </summary>
internal sealed record CgroupWrite(string Controller, string File, string Value)
{
    /// <summary>The config field the value comes from, for errors ("linux.resources.memory.limit").</summary>
    public string JsonPath { get; init; } = "linux.resources";

    /// <summary>Skip silently when the file does not exist (a knob this kernel lacks and runc ignores: cpu burst, memsw for -1, hugetlb rsvd).</summary>
    public bool SkipIfMissing { get; init; }

    /// <summary>When the file does not exist, go on and warn this (prefixed with <see cref="JsonPath"/>) instead of failing.</summary>
    public string? WarnIfMissing { get; init; }

    /// <summary>When the file does not exist, write this instead (blkio.weight -> blkio.bfq.weight, io.bfq.weight -> io.weight).</summary>
    public CgroupWrite? Fallback { get; init; }

    /// <summary>
    /// When the kernel refuses the value with EINVAL and a later write of the plan targets this file, write
    /// that one first and then this one again (cfs period vs quota, rt period vs runtime: each is checked
    /// against the other's current value).
    /// </summary>
    public string? RetryAfter { get; init; }

    /// <summary>Read the file back and fail when the kernel stored another value (it clamps cpu.shares silently).</summary>
    public bool VerifyReadBack { get; init; }

    public override string ToString() => $"{Controller}: {File} <- {Value}";
}
