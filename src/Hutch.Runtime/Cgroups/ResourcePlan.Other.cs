using System.Text.RegularExpressions;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>linux.resources.pids, hugepageLimits, network, rdma and unified.</summary>
internal static partial class ResourcePlan
{
    private static void PlanPids(Planner plan, LinuxPids? pids)
    {
        if (pids?.Limit is not { } limit)
        {
            return; // optional since runtime-spec 1.3
        }
        const string path = Root + ".pids.limit";
        if (limit < -1)
        {
            throw new CgroupResourceException(path, $"{limit} is not a task count; use a number of tasks, or -1 for no limit");
        }
        plan.Require("pids", "pids", path, limit);
        // runc: -1 and 0 both mean "no limit" (the kernel has no "0 tasks" limit to offer).
        plan.Add("pids", "pids.max", limit > 0 ? Num(limit) : "max", path);
    }

    [GeneratedRegex("^[0-9]+[KMG]B$")]
    private static partial Regex HugepageSizePattern();

    private static void PlanHugepages(Planner plan, List<LinuxHugepageLimit>? limits)
    {
        for (var i = 0; limits != null && i < limits.Count; i++)
        {
            var at = JsonPath.Index(Root + ".hugepageLimits", i);
            var limit = limits[i];
            // The size becomes part of a file name: only the kernel's form ("2MB", "1GB") may pass.
            if (!HugepageSizePattern().IsMatch(limit.PageSize))
            {
                throw new CgroupResourceException(at + ".pageSize",
                    $"{JsonPath.Quote(limit.PageSize)} is not a hugepage size; write it as the kernel names it, e.g. \"2MB\" or \"1GB\" (see /sys/kernel/mm/hugepages)");
            }
            var where = plan.Require("hugetlb", "hugetlb", at + ".limit", limit.Limit);
            var prefix = $"hugetlb.{limit.PageSize}.";
            var value = Num(limit.Limit);
            var (file, reserved) = where == Hierarchy.V1
                ? (prefix + "limit_in_bytes", prefix + "rsvd.limit_in_bytes")
                : (prefix + "max", prefix + "rsvd.max");
            plan.Add("hugetlb", file, value, at + ".limit");
            // Reservations count too since Linux 5.7 (runc sets both; older kernels lack the file).
            plan.Add(new CgroupWrite("hugetlb", reserved, value) { JsonPath = at + ".limit", SkipIfMissing = true });
        }
    }

    private static void PlanNetwork(Planner plan, LinuxNetwork? network)
    {
        if (network is null)
        {
            return;
        }
        const string path = Root + ".network";
        if (network.ClassID is { } classId and not 0)
        {
            RequireV1Only(plan, "net_cls", path + ".classID", classId);
            plan.Add("net_cls", "net_cls.classid", Num(classId), path + ".classID");
        }
        for (var i = 0; network.Priorities != null && i < network.Priorities.Count; i++)
        {
            var at = JsonPath.Index(path + ".priorities", i);
            var priority = network.Priorities[i];
            if (priority.Name.Length == 0 || priority.Name.Any(char.IsWhiteSpace))
            {
                throw new CgroupResourceException(at + ".name", $"{JsonPath.Quote(priority.Name)} is not an interface name");
            }
            RequireV1Only(plan, "net_prio", at, $"{priority.Name} {priority.Priority}");
            plan.Add("net_prio", "net_prio.ifpriomap", $"{priority.Name} {Num(priority.Priority)}", at);
        }
    }

    /// <summary>net_cls and net_prio exist on cgroup v1 only (cgroup2 matches sockets by cgroup path instead).</summary>
    private static void RequireV1Only(Planner plan, string controller, string jsonPath, object value)
    {
        if (!plan.Layout.IsV1(controller))
        {
            throw new CgroupResourceException(jsonPath,
                $"{Show(value)} cannot be applied: this host has no {controller} controller (it exists on cgroup v1 only; " +
                $"{DescribeLayout(plan.Layout)}); remove the setting from config.json, or mount the {controller} hierarchy");
        }
    }

    private static void PlanRdma(Planner plan, Dictionary<string, LinuxRdma>? rdma)
    {
        foreach (var (device, limits) in (rdma ?? []).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var at = JsonPath.Key(Root + ".rdma", device);
            if (device.Length == 0 || device.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new CgroupResourceException(at, "is not an RDMA device name (see /sys/class/infiniband)");
            }
            if (limits?.HcaHandles is null && limits?.HcaObjects is null)
            {
                continue;
            }
            var value = device;
            if (limits.HcaHandles is { } handles)
            {
                value += " hca_handle=" + Num(handles);
            }
            if (limits.HcaObjects is { } objects)
            {
                value += " hca_object=" + Num(objects);
            }
            plan.Require("rdma", "rdma", at, value);
            plan.Add("rdma", "rdma.max", value, at);
        }
    }

    private static void PlanUnified(Planner plan, Dictionary<string, string>? unified)
    {
        foreach (var (key, value) in (unified ?? []).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var at = JsonPath.Key(Root + ".unified", key);
            if (plan.Layout.UnifiedMount is null)
            {
                throw new CgroupResourceException(at,
                    $"cannot be applied: this host has no cgroup2 ({DescribeLayout(plan.Layout)}); unified keys are cgroup v2 files: " +
                    "remove them or use the v1 fields of linux.resources");
            }
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (key.Contains('/', StringComparison.Ordinal) || dot <= 0 || dot == key.Length - 1)
            {
                throw new CgroupResourceException(at, "is not a cgroup v2 file name; use CONTROLLER.FILE, e.g. \"memory.high\" or \"cgroup.max.descendants\"");
            }
            var controller = key[..dot];
            string target;
            if (controller == "cgroup")
            {
                target = Linux.Cgroups.CgroupLayout.UnifiedKey; // core files are in every cgroup2 directory
            }
            else if (plan.Layout.IsUnified(controller))
            {
                target = controller;
            }
            else
            {
                var why = plan.Layout.IsV1(controller)
                    ? $"the {controller} controller is on a cgroup v1 hierarchy on this host, not on cgroup2; use the v1 fields of linux.resources"
                    : $"cgroup2 at {plan.Layout.UnifiedMount} does not offer the {controller} controller ({DescribeLayout(plan.Layout)}); enable it on the host or remove the key";
                throw new CgroupResourceException(at, $"{JsonPath.Quote(value)} cannot be applied: {why}");
            }
            // runc writes line by line: io.max and friends take one device per write.
            var lines = value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var line in lines.Length == 0 ? [value] : lines)
            {
                plan.Add(target, key, line, at);
            }
        }
    }
}
