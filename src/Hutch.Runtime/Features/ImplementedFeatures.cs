using Hutch.Linux.Capabilities;
using Hutch.Linux.Mounts;
using Hutch.Runtime.NetDevices;
using Hutch.Spec;

namespace Hutch.Runtime.Features;

/// <summary>
/// What `hutch features` reports: only what this build really implements (features.md: a runtime
/// MUST NOT list what it does not support; a null field means "unknown"). At this commit: the six
/// hook phases, every mount option MountOptions parses, the namespaces create can make or join
/// (user with its id maps, time with linux.timeOffsets), every capability, seccomp (libseccomp),
/// linux.netDevices, linux.memoryPolicy (every mode and flag), cgroup v1 and v2 through cgroupfs or systemd
/// (--systemd-cgroup, rootful), rdma where the host has the controller, id-mapped bind mounts
/// (idmap, ridmap, mounts[].uidMappings/gidMappings; listed in mountOptions).
/// </summary>
/// <remarks>
/// apparmor and selinux are off (labels are ignored on hosts without
/// the LSM); intelRdt is off.
/// </remarks>
internal static class ImplementedFeatures
{
    internal const string OciVersionMin = "1.0.0";
    internal const string OciVersionMax = "1.3.0";

    internal const string VersionAnnotation = "org.hutch.version";
    internal const string CommitAnnotation = "org.hutch.commit";

    /// <summary>runc's annotation for "checkpoint and restore are built in" (they need criu at run time: --criu or PATH).</summary>
    internal const string CheckpointAnnotation = "org.opencontainers.runc.checkpoint.enabled";

    internal static Hutch.Spec.Features Create(string version, string commit) => new()
    {
        OciVersionMin = OciVersionMin,
        OciVersionMax = OciVersionMax,
        Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
        MountOptions = [.. MountOptions.KnownOptions.Distinct().Order(StringComparer.Ordinal)],
        Linux = new LinuxFeatures
        {
            Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
            Capabilities = [.. CapabilityNames.All],
            Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = true, SystemdUser = true, Rdma = true },
            Seccomp = new SeccompFeatures { Enabled = true },
            Apparmor = new ApparmorFeatures { Enabled = false },
            Selinux = new SelinuxFeatures { Enabled = false },
            IntelRdt = new IntelRdtFeatures { Enabled = false },
            // Every mode and flag is passed to set_mempolicy; a kernel that lacks one refuses it at create.
            MemoryPolicy = new MemoryPolicyFeatures { Modes = [.. KnownNames.MemoryPolicyModes], Flags = [.. KnownNames.MemoryPolicyFlags] },
            // idmap/ridmap and mounts[].uidMappings/gidMappings on bind mounts (IdMappedTree), as root.
            MountExtensions = new MountExtensionsFeatures { IdMap = new IdMapFeatures { Enabled = true } },
            NetDevices = NetDevicesFeature.Create(),
        },
        Annotations = new Dictionary<string, string>
        {
            [VersionAnnotation] = version,
            [CommitAnnotation] = commit,
            [CheckpointAnnotation] = "true",
        },
        // hutch changes its behaviour for no annotation.
        PotentiallyUnsafeConfigAnnotations = [],
    };
}
