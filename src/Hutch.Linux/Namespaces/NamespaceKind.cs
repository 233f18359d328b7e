namespace Hutch.Linux.Namespaces;

/// <summary>
/// A Linux namespace type. The value is its CLONE_NEW* flag (the same value setns takes as
/// nstype), identical on x86-64 and arm64; the ABI test checks them against the C headers.
/// </summary>
internal enum NamespaceKind : uint
{
    Time = 0x00000080,
    Mount = 0x00020000,
    Cgroup = 0x02000000,
    Uts = 0x04000000,
    Ipc = 0x08000000,
    User = 0x10000000,
    Pid = 0x20000000,
    Network = 0x40000000,
}

internal static class NamespaceKinds
{
    /// <summary>
    /// Every kind, in the order a process joins existing namespaces: user first (joining it
    /// can grant the capabilities needed for the others, as runc and crun do), mount last
    /// (it changes the root the exec path is resolved against; nothing after it uses paths).
    /// </summary>
    public static IReadOnlyList<NamespaceKind> JoinOrder { get; } =
    [
        NamespaceKind.User, NamespaceKind.Ipc, NamespaceKind.Uts, NamespaceKind.Network,
        NamespaceKind.Pid, NamespaceKind.Cgroup, NamespaceKind.Time, NamespaceKind.Mount,
    ];

    /// <summary>The CLONE_NEW* flag that creates this kind (also setns's nstype).</summary>
    public static ulong CloneFlag(this NamespaceKind kind) => (ulong)kind;

    /// <summary>The file under /proc/PID/ns/ naming the process's namespace of this kind.</summary>
    public static string ProcFileName(this NamespaceKind kind) => kind switch
    {
        NamespaceKind.Time => "time",
        NamespaceKind.Mount => "mnt",
        NamespaceKind.Cgroup => "cgroup",
        NamespaceKind.Uts => "uts",
        NamespaceKind.Ipc => "ipc",
        NamespaceKind.User => "user",
        NamespaceKind.Pid => "pid",
        NamespaceKind.Network => "net",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a namespace kind"),
    };

    /// <summary>The type name in config.json's linux.namespaces (runtime-spec config-linux.md).</summary>
    public static string OciName(this NamespaceKind kind) => kind switch
    {
        NamespaceKind.Time => "time",
        NamespaceKind.Mount => "mount",
        NamespaceKind.Cgroup => "cgroup",
        NamespaceKind.Uts => "uts",
        NamespaceKind.Ipc => "ipc",
        NamespaceKind.User => "user",
        NamespaceKind.Pid => "pid",
        NamespaceKind.Network => "network",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a namespace kind"),
    };

    /// <summary>The kind for an OCI type name ("network", "mount", ...); false when unknown.</summary>
    public static bool TryParseOciName(string name, out NamespaceKind kind)
    {
        foreach (var candidate in JoinOrder)
        {
            if (string.Equals(candidate.OciName(), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>"/proc/PID/ns/net" and friends.</summary>
    public static string ProcPath(this NamespaceKind kind, int pid) =>
        $"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ns/{kind.ProcFileName()}";
}
