using Hutch.Linux.Cgroups;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// Reads a container's cgroup statistics into runc's `events --stats` shape. A controller is read
/// from its v1 hierarchy when the container has one there, else from the unified (cgroup v2)
/// directory when that controller's files exist there; a controller found nowhere stays zero.
/// </summary>
internal static class CgroupStats
{
    /// <summary>The key of the cgroup v2 directory in a directories map (the others are v1 controller names).</summary>
    public const string UnifiedKey = CgroupLayout.UnifiedKey;

    /// <summary>The statistics of <paramref name="cgroup"/> (its <see cref="Cgroup.Directories"/>).</summary>
    public static StatsData Read(Cgroup cgroup)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        return Read(cgroup.Directories);
    }

    /// <param name="directories">v1 controller name ("memory", "cpuacct", ...) or "unified" -> absolute
    /// directory, as <c>Cgroup.Directories</c> and the state's <c>Cgroup</c> map hold them.</param>
    public static StatsData Read(IReadOnlyDictionary<string, string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var unified = directories.GetValueOrDefault(UnifiedKey);
        var data = new StatsData();

        if (V1(directories, "cpuacct") is { } cpuacct)
        {
            CpuReader.ReadV1Usage(cpuacct, data.Cpu.Usage);
        }
        else if (unified != null)
        {
            // cpu.stat's usage lines are core files of every non-root cgroup v2.
            CpuReader.ReadV2(unified, data.Cpu);
        }
        if (V1(directories, "cpu") is { } cpu)
        {
            CpuReader.ReadV1Throttling(cpu, data.Cpu.Throttling);
        }

        if (V1(directories, "cpuset") is { } cpuset)
        {
            CpusetReader.ReadV1(cpuset, data.Cpuset);
        }
        else if (Has(unified, "cpuset.cpus.effective"))
        {
            CpusetReader.ReadV2(unified!, data.Cpuset);
        }

        if (V1(directories, "memory") is { } memory)
        {
            MemoryReader.ReadV1(memory, data.Memory);
        }
        else if (Has(unified, "memory.current"))
        {
            MemoryReader.ReadV2(unified!, data.Memory);
        }

        if (V1(directories, "pids") is { } pids)
        {
            PidsReader.Read(pids, data.Pids);
        }
        else if (Has(unified, "pids.current"))
        {
            PidsReader.Read(unified!, data.Pids);
        }

        if (V1(directories, "blkio") is { } blkio)
        {
            BlkioReader.ReadV1(blkio, data.Blkio);
        }
        else if (Has(unified, "io.stat"))
        {
            BlkioReader.ReadV2(unified!, data.Blkio);
        }

        if (V1(directories, "hugetlb") is { } hugetlb)
        {
            HugetlbReader.ReadV1(hugetlb, data.Hugetlb);
        }
        else if (unified != null && HugetlbReader.Present(unified, unified: true))
        {
            HugetlbReader.ReadV2(unified, data.Hugetlb);
        }
        return data;
    }

    /// <summary>The memory directory and whether it is cgroup v2; null when the container has no memory controller.</summary>
    public static (string Directory, bool Unified)? MemoryDirectory(IReadOnlyDictionary<string, string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (V1(directories, "memory") is { } memory)
        {
            return (memory, false);
        }
        var unified = directories.GetValueOrDefault(UnifiedKey);
        return Has(unified, "memory.current") ? (unified!, true) : null;
    }

    private static string? V1(IReadOnlyDictionary<string, string> directories, string controller) =>
        directories.GetValueOrDefault(controller);

    private static bool Has(string? directory, string file) => directory != null && CgroupFiles.Exists(directory, file);
}
