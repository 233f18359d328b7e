using Hutch.Linux.Cgroups;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>
/// A fact on this host's real cgroups: needs root, and is skipped with the reason when the host
/// lacks what the test exercises (a v1 controller, any v1 hierarchy, a cgroup2 mount).
/// </summary>
public sealed class CgroupFactAttribute : FactAttribute
{
    /// <summary>A v1 controller the test needs, e.g. "freezer".</summary>
    public string? V1Controller { get; set; }

    /// <summary>The test needs at least one v1 hierarchy.</summary>
    public bool NeedsV1 { get; set; }

    /// <summary>The test needs a cgroup2 mount.</summary>
    public bool NeedsUnified { get; set; }

    /// <summary>The test needs controllers offered by the cgroup2 root.</summary>
    public bool NeedsUnifiedControllers { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? Missing();
        set => base.Skip = value;
    }

    private string? Missing()
    {
        if (!Host.IsRoot)
        {
            return "needs root (run the suite as root: sudo make test)";
        }
        var layout = CgroupLayout.Detect();
        if (V1Controller is not null && !layout.IsV1(V1Controller))
        {
            return $"needs a v1 {V1Controller} hierarchy (this host is {layout.Mode})";
        }
        if (NeedsV1 && layout.V1Mounts.Count == 0)
        {
            return $"needs v1 hierarchies (this host is {layout.Mode})";
        }
        if ((NeedsUnified || NeedsUnifiedControllers) && layout.UnifiedMount is null)
        {
            return "needs a cgroup2 mount";
        }
        return NeedsUnifiedControllers && layout.UnifiedControllers.Count == 0
            ? "needs controllers in the cgroup2 root's cgroup.controllers"
            : null;
    }
}
