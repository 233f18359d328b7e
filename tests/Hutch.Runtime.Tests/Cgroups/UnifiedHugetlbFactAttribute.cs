using Hutch.Linux.Cgroups;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups;

/// <summary>
/// A fact about hugetlb limits in the unified hierarchy of a hybrid host: needs root, hugetlb
/// on cgroup2 and 2 MB huge pages; skipped with what is missing otherwise (the pure plan tests
/// cover the other host shapes).
/// </summary>
public sealed class UnifiedHugetlbFactAttribute : FactAttribute
{
    public override string? Skip
    {
        get => base.Skip ?? Missing();
        set => base.Skip = value;
    }

    private static string? Missing()
    {
        if (!Host.IsRoot)
        {
            return "needs root (run the suite as root: sudo make test)";
        }
        if (!CgroupLayout.Detect().IsUnified("hugetlb"))
        {
            return "needs the hugetlb controller on cgroup2 (this host has it on v1 or not at all)";
        }
        return File.Exists("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")
            ? null
            : "needs 2 MB huge pages (/sys/kernel/mm/hugepages/hugepages-2048kB)";
    }
}
