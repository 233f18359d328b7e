using Hutch.Linux.Mounts;
using Hutch.Spec;

namespace Hutch.Runtime.IntelRdt;

/// <summary>
/// linux.intelRdt (config-linux.md, "IntelRdt"): a resctrl group (closID, or one per container),
/// its schemata and its monitoring group. hutch does not manage resctrl groups, so a config that
/// asks for any of it is refused before `create` claims anything, saying why: never run a
/// container without the cache or bandwidth allocation it asked for.
/// </summary>
internal static class IntelRdtSupport
{
    /// <summary>Throws <see cref="IntelRdtException"/> when <paramref name="rdt"/> is set; <paramref name="mountInfo"/> says whether resctrl is mounted.</summary>
    public static void Check(LinuxIntelRdt? rdt, IReadOnlyList<MountInfoEntry>? mountInfo = null)
    {
        if (rdt is null)
        {
            return;
        }
        var path = FirstField(rdt);
        mountInfo ??= MountInfo.Read("/proc/self/mountinfo");
        var resctrl = mountInfo.FirstOrDefault(m => m.FsType == "resctrl");
        if (resctrl is null)
        {
            throw new IntelRdtException(path,
                "cannot be applied: this host has no resctrl filesystem mounted (Intel RDT and AMD PQoS need a CPU with them, " +
                "a kernel with CONFIG_X86_CPU_RESCTRL and `mount -t resctrl resctrl /sys/fs/resctrl`); remove linux.intelRdt from config.json");
        }
        throw new IntelRdtException(path,
            $"cannot be applied: hutch does not manage resctrl groups yet (resctrl is mounted at {resctrl.MountPoint}); " +
            "remove linux.intelRdt from config.json, or use runc or crun for this container");
    }

    // The field that asks for RDT, in the spec's order; an empty object still asks for a group of its own.
    private static string FirstField(LinuxIntelRdt rdt) =>
        rdt.ClosID is not null ? "linux.intelRdt.closID"
        : rdt.L3CacheSchema is not null ? "linux.intelRdt.l3CacheSchema"
        : rdt.MemBwSchema is not null ? "linux.intelRdt.memBwSchema"
        : rdt.Schemata is not null ? "linux.intelRdt.schemata"
        : rdt.EnableMonitoring is not null ? "linux.intelRdt.enableMonitoring"
        : "linux.intelRdt";
}
