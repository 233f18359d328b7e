using System.Globalization;

namespace Hutch.Spec;

/// <summary>
/// The config.json that `hutch spec` writes: the same defaults as `runc spec` (runc 1.1.5),
/// with ociVersion 1.3.0.
/// </summary>
internal static class DefaultConfig
{
    public const string OciVersion = "1.3.0";

    private static readonly string[] DefaultCapabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    /// <summary>
    /// The defaults; with <paramref name="rootless"/> the user namespace maps container root to
    /// the calling process's effective uid/gid, read from /proc/self/status (as runc does with
    /// geteuid/getegid).
    /// </summary>
    public static ContainerConfig Create(bool rootless = false)
    {
        if (!rootless)
        {
            return Create(rootless: false, uid: 0, gid: 0);
        }

        (uint uid, uint gid) = ReadEffectiveIds("/proc/self/status");
        return Create(rootless: true, uid, gid);
    }

    /// <summary>The defaults; when <paramref name="rootless"/>, container root maps to host <paramref name="uid"/>/<paramref name="gid"/>.</summary>
    public static ContainerConfig Create(bool rootless, uint uid, uint gid)
    {
        var config = new ContainerConfig
        {
            OciVersion = OciVersion,
            Process = new Process
            {
                Terminal = true,
                User = new User { Uid = 0, Gid = 0 },
                Args = ["sh"],
                Env =
                [
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm",
                ],
                Cwd = "/",
                Capabilities = new LinuxCapabilities
                {
                    Bounding = [.. DefaultCapabilities],
                    Effective = [.. DefaultCapabilities],
                    Permitted = [.. DefaultCapabilities],
                    Ambient = [.. DefaultCapabilities],
                },
                Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
                NoNewPrivileges = true,
            },
            Root = new Root { Path = "rootfs", Readonly = true },
            Hostname = "runc",
            Mounts =
            [
                new Mount { Destination = "/proc", Type = "proc", Source = "proc" },
                new Mount
                {
                    Destination = "/dev", Type = "tmpfs", Source = "tmpfs",
                    Options = ["nosuid", "strictatime", "mode=755", "size=65536k"],
                },
                new Mount
                {
                    Destination = "/dev/pts", Type = "devpts", Source = "devpts",
                    Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
                },
                new Mount
                {
                    Destination = "/dev/shm", Type = "tmpfs", Source = "shm",
                    Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
                },
                new Mount
                {
                    Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue",
                    Options = ["nosuid", "noexec", "nodev"],
                },
                new Mount
                {
                    Destination = "/sys", Type = "sysfs", Source = "sysfs",
                    Options = ["nosuid", "noexec", "nodev", "ro"],
                },
                new Mount
                {
                    Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup",
                    Options = ["nosuid", "noexec", "nodev", "relatime", "ro"],
                },
            ],
            Linux = new Linux
            {
                Resources = new LinuxResources
                {
                    Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }],
                },
                Namespaces =
                [
                    new LinuxNamespace { Type = "pid" },
                    new LinuxNamespace { Type = "network" },
                    new LinuxNamespace { Type = "ipc" },
                    new LinuxNamespace { Type = "uts" },
                    new LinuxNamespace { Type = "mount" },
                ],
                MaskedPaths =
                [
                    "/proc/acpi",
                    "/proc/asound",
                    "/proc/kcore",
                    "/proc/keys",
                    "/proc/latency_stats",
                    "/proc/timer_list",
                    "/proc/timer_stats",
                    "/proc/sched_debug",
                    "/sys/firmware",
                    "/proc/scsi",
                ],
                ReadonlyPaths =
                [
                    "/proc/bus",
                    "/proc/fs",
                    "/proc/irq",
                    "/proc/sys",
                    "/proc/sysrq-trigger",
                ],
            },
        };

        if (rootless)
        {
            MakeRootless(config, uid, gid);
        }

        return config;
    }

    /// <summary>What `runc spec --rootless` changes: a user namespace instead of a network one, no cgroup limits, /sys bound from the host.</summary>
    private static void MakeRootless(ContainerConfig config, uint uid, uint gid)
    {
        Linux linux = config.Linux!;

        // No new network namespace: an unprivileged user could not configure it anyway.
        linux.Namespaces = [.. linux.Namespaces!.Where(ns => ns.Type is not ("network" or "user"))];
        linux.Namespaces.Add(new LinuxNamespace { Type = "user" });
        linux.UidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = uid, Size = 1 }];
        linux.GidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = gid, Size = 1 }];

        // sysfs cannot be mounted without owning the network namespace: bind the host's.
        var mounts = new List<Mount>();
        foreach (Mount mount in config.Mounts!)
        {
            if (mount.Destination == "/sys")
            {
                mounts.Add(new Mount
                {
                    Destination = "/sys", Type = "none", Source = "/sys",
                    Options = ["rbind", "nosuid", "noexec", "nodev", "ro"],
                });
                continue;
            }

            // Only one id is mapped: uid=/gid= options would name ids that do not exist.
            mount.Options = mount.Options?
                .Where(o => !o.StartsWith("gid=", StringComparison.Ordinal) && !o.StartsWith("uid=", StringComparison.Ordinal))
                .ToList();
            mounts.Add(mount);
        }

        config.Mounts = mounts;

        // An unprivileged user cannot create cgroups.
        linux.Resources = null;
    }

    /// <summary>The effective uid and gid (second field of the Uid:/Gid: lines) from a /proc/PID/status file.</summary>
    internal static (uint Uid, uint Gid) ReadEffectiveIds(string statusPath)
    {
        uint? uid = null;
        uint? gid = null;
        foreach (string line in File.ReadLines(statusPath))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                uid = SecondField(line, statusPath);
            }
            else if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                gid = SecondField(line, statusPath);
            }
        }

        if (uid is null || gid is null)
        {
            throw new InvalidDataException($"{statusPath}: no Uid:/Gid: lines; cannot tell the current user for the rootless id mappings");
        }

        return (uid.Value, gid.Value);
    }

    private static uint SecondField(string line, string statusPath)
    {
        string[] fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
        {
            throw new InvalidDataException($"{statusPath}: cannot read the effective id from `{line}`");
        }

        return id;
    }
}
