using System.Globalization;
using Hutch.Linux.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>
/// Pure: what to write for linux.resources on a host's cgroup layout. A controller with a v1 hierarchy
/// gets its v1 files; a controller only in cgroup2 gets the v2 files with runc's conversions (shares to
/// weight, blkio weight to io.weight, memory+swap to swap.max). Zero or unset values are skipped where
/// runc skips them. A setting the host cannot apply at all (no such controller anywhere, a value out
/// of range) throws <see cref="CgroupResourceException"/>; settings that have no meaning on this
/// hierarchy and that runc ignores (kernel memory, swappiness on v2, ...) become warnings.
/// One file per resource family: ResourcePlan.Memory.cs, .Cpu.cs, .BlockIO.cs, .Devices.cs, .Other.cs.
/// </summary>
internal static partial class ResourcePlan
{
    private const string Root = "linux.resources";

    /// <summary>The writes for <paramref name="resources"/>; see <see cref="Build"/> for the device filter and warnings.</summary>
    public static IReadOnlyList<CgroupWrite> For(LinuxResources resources, CgroupLayout layout, bool update = false) =>
        Build(resources, layout, update).Writes;

    /// <summary>
    /// The whole plan. On create (<paramref name="update"/> false) the device cgroup is always set up:
    /// deny everything, the config's rules in order, then runc's default allowed devices; on update
    /// only when the resources list devices. Throws CgroupResourceException.
    /// </summary>
    public static ResourcePlanResult Build(LinuxResources resources, CgroupLayout layout, bool update = false)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(layout);
        var plan = new Planner(layout);
        var filter = PlanDevices(plan, resources.Devices, update);
        PlanMemory(plan, resources.Memory); // checkBeforeUpdate reads usage: CgroupResources.Apply
        PlanCpu(plan, resources.Cpu);
        PlanPids(plan, resources.Pids);
        PlanBlockIO(plan, resources.BlockIO);
        PlanHugepages(plan, resources.HugepageLimits);
        PlanNetwork(plan, resources.Network);
        PlanRdma(plan, resources.Rdma);
        PlanUnified(plan, resources.Unified);
        return new ResourcePlanResult(plan.Writes, filter, plan.Warnings);
    }

    /// <summary>Where a controller's files are on this host.</summary>
    private enum Hierarchy
    {
        None,
        V1,
        V2,
    }

    /// <summary>The plan being built: the writes, the warnings and the layout questions.</summary>
    private sealed class Planner(CgroupLayout layout)
    {
        public CgroupLayout Layout { get; } = layout;

        public List<CgroupWrite> Writes { get; } = [];

        public List<string> Warnings { get; } = [];

        /// <summary>The v1 hierarchy of <paramref name="v1Name"/> wins, else cgroup2's <paramref name="v2Name"/>.</summary>
        public Hierarchy Locate(string v1Name, string v2Name) =>
            Layout.IsV1(v1Name) ? Hierarchy.V1 : Layout.IsUnified(v2Name) ? Hierarchy.V2 : Hierarchy.None;

        /// <summary>Like <see cref="Locate"/>, but a setting without its controller anywhere is an error naming it.</summary>
        public Hierarchy Require(string v1Name, string v2Name, string jsonPath, object value)
        {
            var where = Locate(v1Name, v2Name);
            if (where == Hierarchy.None)
            {
                throw new CgroupResourceException(jsonPath,
                    $"{Show(value)} cannot be applied: this host has no {Describe(v1Name, v2Name)} controller " +
                    $"({DescribeLayout(Layout)}); remove the setting from config.json, or enable the controller on the host");
            }
            return where;
        }

        public void Add(string controller, string file, string value, string jsonPath) =>
            Writes.Add(new CgroupWrite(controller, file, value) { JsonPath = jsonPath });

        public void Add(CgroupWrite write) => Writes.Add(write);

        public void Warn(string jsonPath, string message) => Warnings.Add($"{jsonPath}: {message}");
    }

    private static string Describe(string v1Name, string v2Name) =>
        v1Name == v2Name ? v1Name : $"{v1Name} (cgroup v1) or {v2Name} (cgroup v2)";

    /// <summary>"cgroup v1 controllers: cpu, memory; cgroup2 at /sys/fs/cgroup/unified with: hugetlb".</summary>
    internal static string DescribeLayout(CgroupLayout layout)
    {
        var parts = new List<string>();
        if (layout.V1Mounts.Count > 0)
        {
            parts.Add("cgroup v1 controllers: " + string.Join(", ", layout.V1Mounts.Keys.Order(StringComparer.Ordinal)));
        }
        if (layout.UnifiedMount is not null)
        {
            var controllers = layout.UnifiedControllers.Count == 0 ? "no controllers" : string.Join(" ", layout.UnifiedControllers.Order(StringComparer.Ordinal));
            parts.Add($"cgroup2 at {layout.UnifiedMount} with {controllers}");
        }
        else
        {
            parts.Add("no cgroup2 mount");
        }
        return string.Join("; ", parts);
    }

    private static string Show(object value) => value switch
    {
        string s => JsonPath.Quote(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>runc's numToStr for cgroup2 byte values: -1 is "max" (0 means unset and is never passed here).</summary>
    private static string MaxOrNum(long value) => value == -1 ? "max" : Num(value);
}
