using Hutch.Linux.Cgroups;

namespace Hutch.Runtime.Cgroups;

/// <summary>What <see cref="ResourcePlan.Build"/> decided for one linux.resources on one host layout.</summary>
/// <param name="Writes">The control-file writes, in order (v1 device lists included).</param>
/// <param name="DeviceFilter">The rules of the cgroup v2 eBPF device filter to attach, or null.</param>
/// <param name="Warnings">Settings this host ignores (as runc does), each naming its JSON path.</param>
internal sealed record ResourcePlanResult(
    IReadOnlyList<CgroupWrite> Writes,
    DeviceFilterRuleSet? DeviceFilter,
    IReadOnlyList<string> Warnings);
