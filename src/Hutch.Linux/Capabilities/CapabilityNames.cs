namespace Hutch.Linux.Capabilities;

/// <summary>
/// Capability names and numbers (linux/capability.h): the index in <see cref="All"/> is the
/// number. The kernel may know fewer (see <see cref="ThreadCapabilities.LastCapability"/>)
/// or more than this table.
/// </summary>
internal static class CapabilityNames
{
    public static readonly string[] All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    public const int SysAdmin = 21;
    public const int SetPcap = 8;

    /// <summary>The number of "CAP_KILL" (exact, upper-case, as the spec writes them); null when unknown.</summary>
    public static int? Number(string name)
    {
        var index = Array.IndexOf(All, name);
        return index < 0 ? null : index;
    }

    /// <summary>"CAP_KILL" for 5; "CAP_41" for a number past the table.</summary>
    public static string Name(int number) =>
        number >= 0 && number < All.Length ? All[number] : $"CAP_{number}";
}
