namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>The cpuset controller's settings: v1 cpuset.* files, or v2's effective cpus and mems.</summary>
internal static class CpusetReader
{
    public static void ReadV1(string directory, CpusetStats cpuset)
    {
        cpuset.Cpus = ReadIds(directory, "cpuset.cpus");
        cpuset.Mems = ReadIds(directory, "cpuset.mems");
        cpuset.CpuExclusive = CgroupFiles.ReadNumber(directory, "cpuset.cpu_exclusive") ?? 0;
        cpuset.MemHardwall = CgroupFiles.ReadNumber(directory, "cpuset.mem_hardwall") ?? 0;
        cpuset.MemExclusive = CgroupFiles.ReadNumber(directory, "cpuset.mem_exclusive") ?? 0;
        cpuset.MemoryMigrate = CgroupFiles.ReadNumber(directory, "cpuset.memory_migrate") ?? 0;
        cpuset.MemorySpreadPage = CgroupFiles.ReadNumber(directory, "cpuset.memory_spread_page") ?? 0;
        cpuset.MemorySpreadSlab = CgroupFiles.ReadNumber(directory, "cpuset.memory_spread_slab") ?? 0;
        cpuset.MemoryPressure = CgroupFiles.ReadNumber(directory, "cpuset.memory_pressure") ?? 0;
        cpuset.SchedLoadBalance = CgroupFiles.ReadNumber(directory, "cpuset.sched_load_balance") ?? 0;
        // -1 (the default) is the only negative value; it is not a ulong.
        if (CgroupFiles.ReadText(directory, "cpuset.sched_relax_domain_level") is { } level)
        {
            cpuset.SchedRelaxDomainLevel = long.TryParse(level.Trim(), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : throw CgroupFiles.Malformed(Path.Combine(directory, "cpuset.sched_relax_domain_level"), level.Trim(), "a number");
        }
    }

    public static void ReadV2(string directory, CpusetStats cpuset)
    {
        cpuset.Cpus = ReadIds(directory, "cpuset.cpus.effective");
        cpuset.Mems = ReadIds(directory, "cpuset.mems.effective");
    }

    private static List<ushort>? ReadIds(string directory, string file) =>
        CgroupFiles.ReadText(directory, file) is { } text
            && CgroupFiles.ParseIdList(text, Path.Combine(directory, file)) is { Count: > 0 } ids
            ? ids
            : null;
}
