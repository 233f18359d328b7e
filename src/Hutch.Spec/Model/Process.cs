using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>The container process (config.md, "Process"; Linux process fields).</summary>
internal sealed class Process
{
    public bool? Terminal { get; set; }

    public Box? ConsoleSize { get; set; }

    /// <summary>REQUIRED.</summary>
    public User User { get; set; } = new();

    public List<string>? Args { get; set; }

    /// <summary>Windows only; kept so such configs round-trip.</summary>
    public string? CommandLine { get; set; }

    public List<string>? Env { get; set; }

    /// <summary>REQUIRED. Absolute path inside the container.</summary>
    public string Cwd { get; set; } = "";

    public LinuxCapabilities? Capabilities { get; set; }

    public List<PosixRlimit>? Rlimits { get; set; }

    public bool? NoNewPrivileges { get; set; }

    public string? ApparmorProfile { get; set; }

    public int? OomScoreAdj { get; set; }

    public Scheduler? Scheduler { get; set; }

    public string? SelinuxLabel { get; set; }

    [JsonPropertyName("ioPriority")]
    public LinuxIOPriority? IOPriority { get; set; }

    [JsonPropertyName("execCPUAffinity")]
    public CpuAffinity? ExecCPUAffinity { get; set; }
}

/// <summary>Console size in characters.</summary>
internal sealed class Box
{
    public uint Height { get; set; }

    public uint Width { get; set; }
}

/// <summary>The user the process runs as (Linux/POSIX fields).</summary>
internal sealed class User
{
    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public uint? Umask { get; set; }

    public List<uint>? AdditionalGids { get; set; }

    /// <summary>Windows only (config.md, "Windows User"): read so that create can warn it is not used.</summary>
    public string? Username { get; set; }
}

/// <summary>Capability sets; each holds names like "CAP_KILL".</summary>
internal sealed class LinuxCapabilities
{
    public List<string>? Bounding { get; set; }

    public List<string>? Effective { get; set; }

    public List<string>? Inheritable { get; set; }

    public List<string>? Permitted { get; set; }

    public List<string>? Ambient { get; set; }
}

/// <summary>One rlimit ("RLIMIT_NOFILE" etc.).</summary>
internal sealed class PosixRlimit
{
    public string Type { get; set; } = "";

    public ulong Hard { get; set; }

    public ulong Soft { get; set; }
}

/// <summary>sched_setattr(2) attributes of the process.</summary>
internal sealed class Scheduler
{
    /// <summary>REQUIRED. SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE.</summary>
    public string Policy { get; set; } = "";

    public int? Nice { get; set; }

    public int? Priority { get; set; }

    /// <summary>SCHED_FLAG_* names.</summary>
    public List<string>? Flags { get; set; }

    /// <summary>SCHED_DEADLINE runtime in nanoseconds.</summary>
    public ulong? Runtime { get; set; }

    public ulong? Deadline { get; set; }

    public ulong? Period { get; set; }
}

/// <summary>ioprio_set(2) class and priority.</summary>
internal sealed class LinuxIOPriority
{
    /// <summary>REQUIRED. IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE.</summary>
    public string Class { get; set; } = "";

    public int Priority { get; set; }
}

/// <summary>CPU affinity of processes started by exec (not of init): lists like "0-3,7".</summary>
internal sealed class CpuAffinity
{
    /// <summary>Affinity before the process joins the container's cgroup.</summary>
    public string? Initial { get; set; }

    /// <summary>Affinity after it joined the cgroup.</summary>
    public string? Final { get; set; }
}
