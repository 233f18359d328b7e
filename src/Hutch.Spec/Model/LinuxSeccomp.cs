namespace Hutch.Spec;

/// <summary>The seccomp filter (config-linux.md, "Seccomp").</summary>
internal sealed class LinuxSeccomp
{
    /// <summary>REQUIRED. SCMP_ACT_*.</summary>
    public string DefaultAction { get; set; } = "";

    public uint? DefaultErrnoRet { get; set; }

    /// <summary>SCMP_ARCH_*.</summary>
    public List<string>? Architectures { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_*.</summary>
    public List<string>? Flags { get; set; }

    public string? ListenerPath { get; set; }

    public string? ListenerMetadata { get; set; }

    public List<LinuxSyscall>? Syscalls { get; set; }
}

/// <summary>A rule: an action for some syscalls, optionally only when arguments match.</summary>
internal sealed class LinuxSyscall
{
    /// <summary>REQUIRED (at least one name).</summary>
    public List<string>? Names { get; set; }

    /// <summary>REQUIRED. SCMP_ACT_*.</summary>
    public string Action { get; set; } = "";

    public uint? ErrnoRet { get; set; }

    public List<LinuxSeccompArg>? Args { get; set; }
}

/// <summary>A comparison on one syscall argument.</summary>
internal sealed class LinuxSeccompArg
{
    public uint Index { get; set; }

    public ulong Value { get; set; }

    public ulong? ValueTwo { get; set; }

    /// <summary>REQUIRED. SCMP_CMP_*.</summary>
    public string Op { get; set; } = "";
}
