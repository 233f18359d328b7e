namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// Huge page usage per page size. The sizes are those the kernel names in the cgroup's own files
/// ("hugetlb.2MB.*", "hugetlb.1GB.*"), the names runc reports too.
/// </summary>
internal static class HugetlbReader
{
    /// <summary>v1: hugetlb.SIZE.usage_in_bytes, .max_usage_in_bytes, .failcnt.</summary>
    public static void ReadV1(string directory, Dictionary<string, HugetlbStats> hugetlb)
    {
        foreach (var size in PageSizes(directory, ".usage_in_bytes"))
        {
            var prefix = "hugetlb." + size;
            hugetlb[size] = new HugetlbStats
            {
                Usage = CgroupFiles.ReadNumber(directory, prefix + ".usage_in_bytes") ?? 0,
                Max = CgroupFiles.ReadNumber(directory, prefix + ".max_usage_in_bytes") ?? 0,
                Failcnt = CgroupFiles.ReadNumber(directory, prefix + ".failcnt") ?? 0,
            };
        }
    }

    /// <summary>v2: hugetlb.SIZE.current, and the "max" count of hugetlb.SIZE.events as the failure count (v2 keeps no peak).</summary>
    public static void ReadV2(string directory, Dictionary<string, HugetlbStats> hugetlb)
    {
        foreach (var size in PageSizes(directory, ".current"))
        {
            var prefix = "hugetlb." + size;
            hugetlb[size] = new HugetlbStats
            {
                Usage = CgroupFiles.ReadNumber(directory, prefix + ".current") ?? 0,
                Failcnt = CgroupFiles.ReadKeyed(directory, prefix + ".events").GetValueOrDefault("max"),
            };
        }
    }

    /// <summary>True when the directory has hugetlb files of that kind (the controller is on there).</summary>
    public static bool Present(string directory, bool unified) =>
        PageSizes(directory, unified ? ".current" : ".usage_in_bytes").Any();

    /// <summary>"2MB" from "hugetlb.2MB.current" (not the "hugetlb.2MB.rsvd.current" of reservations).</summary>
    private static IEnumerable<string> PageSizes(string directory, string suffix)
    {
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "hugetlb.*" + suffix).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var size = file["hugetlb.".Length..^suffix.Length];
            if (size.Length > 0 && !size.Contains('.', StringComparison.Ordinal))
            {
                yield return size;
            }
        }
    }
}
