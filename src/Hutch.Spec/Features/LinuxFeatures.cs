using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>The Linux part of the features document (features-linux.md, v1.3.0).</summary>
internal sealed class LinuxFeatures
{
    /// <summary>Recognised namespace types, e.g. "mount".</summary>
    public List<string>? Namespaces { get; set; }

    /// <summary>Recognised capability names, e.g. "CAP_SYS_ADMIN".</summary>
    public List<string>? Capabilities { get; set; }

    public CgroupFeatures? Cgroup { get; set; }

    public SeccompFeatures? Seccomp { get; set; }

    public ApparmorFeatures? Apparmor { get; set; }

    public SelinuxFeatures? Selinux { get; set; }

    public IntelRdtFeatures? IntelRdt { get; set; }

    public MemoryPolicyFeatures? MemoryPolicy { get; set; }

    public MountExtensionsFeatures? MountExtensions { get; set; }

    public NetDevicesFeatures? NetDevices { get; set; }
}

/// <summary>Which cgroup managers are compiled in (not what the host uses).</summary>
internal sealed class CgroupFeatures
{
    [JsonPropertyName("v1")]
    public bool? V1 { get; set; }

    [JsonPropertyName("v2")]
    public bool? V2 { get; set; }

    public bool? Systemd { get; set; }

    public bool? SystemdUser { get; set; }

    public bool? Rdma { get; set; }
}

/// <summary>seccomp support and the names it recognises.</summary>
internal sealed class SeccompFeatures
{
    public bool? Enabled { get; set; }

    /// <summary>SCMP_ACT_* names.</summary>
    public List<string>? Actions { get; set; }

    /// <summary>SCMP_CMP_* names.</summary>
    public List<string>? Operators { get; set; }

    /// <summary>SCMP_ARCH_* names.</summary>
    public List<string>? Archs { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_* names recognised.</summary>
    public List<string>? KnownFlags { get; set; }

    /// <summary>The subset of <see cref="KnownFlags"/> this kernel and libseccomp support.</summary>
    public List<string>? SupportedFlags { get; set; }
}

internal sealed class ApparmorFeatures
{
    public bool? Enabled { get; set; }
}

internal sealed class SelinuxFeatures
{
    public bool? Enabled { get; set; }
}

internal sealed class IntelRdtFeatures
{
    public bool? Enabled { get; set; }

    /// <summary>Whether linux.intelRdt.schemata is implemented.</summary>
    public bool? Schemata { get; set; }

    /// <summary>Whether linux.intelRdt.enableMonitoring is implemented.</summary>
    public bool? Monitoring { get; set; }
}

internal sealed class MemoryPolicyFeatures
{
    /// <summary>MPOL_* modes recognised.</summary>
    public List<string>? Modes { get; set; }

    /// <summary>MPOL_F_* flags recognised.</summary>
    public List<string>? Flags { get; set; }
}

internal sealed class MountExtensionsFeatures
{
    [JsonPropertyName("idmap")]
    public IdMapFeatures? IdMap { get; set; }
}

/// <summary>Id-mapped mounts (mounts[].uidMappings / gidMappings).</summary>
internal sealed class IdMapFeatures
{
    public bool? Enabled { get; set; }
}

internal sealed class NetDevicesFeatures
{
    public bool? Enabled { get; set; }
}
