using Hutch.Spec;

namespace Hutch.Runtime.Features;

/// <summary>
/// What `hutch features` reports: only what this build really implements (features.md: a runtime
/// MUST NOT list what it does not support; a null field means "unknown"). No lifecycle operation
/// exists at this commit, so every list is empty and every switch is off.
/// </summary>
/// <remarks>
/// Each list grows, and each switch turns on, as the lifecycle issues land: namespaces and mount
/// options with create/init, hooks with the hooks issue, capabilities, cgroup, seccomp with theirs.
/// linux.netDevices is left out (unknown) until the netDevices mover lands; it then reports
/// enabled: true.
/// </remarks>
internal static class ImplementedFeatures
{
    internal const string OciVersionMin = "1.0.0";
    internal const string OciVersionMax = "1.3.0";

    internal const string VersionAnnotation = "org.hutch.version";
    internal const string CommitAnnotation = "org.hutch.commit";

    internal static Hutch.Spec.Features Create(string version, string commit) => new()
    {
        OciVersionMin = OciVersionMin,
        OciVersionMax = OciVersionMax,
        Hooks = [],
        MountOptions = [],
        Linux = new LinuxFeatures
        {
            Namespaces = [],
            Capabilities = [],
            Cgroup = new CgroupFeatures { V1 = false, V2 = false, Systemd = false, SystemdUser = false, Rdma = false },
            Seccomp = new SeccompFeatures { Enabled = false },
            Apparmor = new ApparmorFeatures { Enabled = false },
            Selinux = new SelinuxFeatures { Enabled = false },
            IntelRdt = new IntelRdtFeatures { Enabled = false },
            MountExtensions = new MountExtensionsFeatures { IdMap = new IdMapFeatures { Enabled = false } },
        },
        Annotations = new Dictionary<string, string>
        {
            [VersionAnnotation] = version,
            [CommitAnnotation] = commit,
        },
        // hutch changes its behaviour for no annotation.
        PotentiallyUnsafeConfigAnnotations = [],
    };
}
