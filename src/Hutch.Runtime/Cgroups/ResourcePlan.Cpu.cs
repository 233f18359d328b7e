using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>linux.resources.cpu: the cpu controller (shares, quota, period, burst, idle, realtime) and cpuset (cpus, mems).</summary>
internal static partial class ResourcePlan
{
    /// <summary>cpu.shares bounds (kernel MIN_SHARES, MAX_SHARES) and cpu.weight's.</summary>
    private const ulong MinShares = 2, MaxShares = 262144, MinWeight = 1, MaxWeight = 10000;

    private static void PlanCpu(Planner plan, LinuxCpu? cpu)
    {
        if (cpu is null)
        {
            return;
        }
        const string path = Root + ".cpu";
        var shares = cpu.Shares ?? 0;
        var quota = cpu.Quota ?? 0;
        var period = cpu.Period ?? 0;
        var rtRuntime = cpu.RealtimeRuntime ?? 0;
        var rtPeriod = cpu.RealtimePeriod ?? 0;

        var first = shares != 0 ? (path + ".shares", (object)shares) : quota != 0 ? (path + ".quota", quota)
            : period != 0 ? (path + ".period", period) : cpu.Burst is { } b ? (path + ".burst", b)
            : cpu.Idle is { } i ? (path + ".idle", i) : rtRuntime != 0 ? (path + ".realtimeRuntime", rtRuntime)
            : rtPeriod != 0 ? (path + ".realtimePeriod", (object)rtPeriod) : default;
        if (first.Item1 is not null)
        {
            var where = plan.Require("cpu", "cpu", first.Item1, first.Item2);
            if (where == Hierarchy.V1)
            {
                PlanCpuV1(plan, cpu, shares, quota, period, rtRuntime, rtPeriod);
            }
            else
            {
                PlanCpuV2(plan, cpu, shares, quota, period, rtRuntime, rtPeriod);
            }
        }

        if (!string.IsNullOrEmpty(cpu.Cpus))
        {
            plan.Require("cpuset", "cpuset", path + ".cpus", cpu.Cpus);
            plan.Add("cpuset", "cpuset.cpus", cpu.Cpus, path + ".cpus");
        }
        if (!string.IsNullOrEmpty(cpu.Mems))
        {
            plan.Require("cpuset", "cpuset", path + ".mems", cpu.Mems);
            plan.Add("cpuset", "cpuset.mems", cpu.Mems, path + ".mems");
        }
    }

    private static void PlanCpuV1(Planner plan, LinuxCpu cpu, ulong shares, long quota, ulong period, long rtRuntime, ulong rtPeriod)
    {
        const string path = Root + ".cpu";
        if (shares != 0)
        {
            // The kernel clamps out-of-range shares silently; reading back tells the user (runc does too).
            plan.Add(new CgroupWrite("cpu", "cpu.shares", Num(shares)) { JsonPath = path + ".shares", VerifyReadBack = true });
        }
        // Period and burst are checked against the current quota: when the new quota comes too, runc
        // tolerates EINVAL and writes them again after it.
        if (period != 0)
        {
            plan.Add(new CgroupWrite("cpu", "cpu.cfs_period_us", Num(period))
            {
                JsonPath = path + ".period",
                RetryAfter = quota != 0 ? "cpu.cfs_quota_us" : null,
            });
        }
        if (cpu.Burst is { } burst)
        {
            plan.Add(new CgroupWrite("cpu", "cpu.cfs_burst_us", Num(burst))
            {
                JsonPath = path + ".burst",
                SkipIfMissing = true, // kernels before 5.14 have no burst: runc ignores it
                RetryAfter = quota != 0 ? "cpu.cfs_quota_us" : null,
            });
        }
        if (quota != 0)
        {
            plan.Add("cpu", "cpu.cfs_quota_us", Num(quota), path + ".quota");
        }
        if (cpu.Idle is { } idle)
        {
            plan.Add("cpu", "cpu.idle", Num(idle), path + ".idle");
        }
        if (rtPeriod != 0)
        {
            plan.Add(new CgroupWrite("cpu", "cpu.rt_period_us", Num(rtPeriod))
            {
                JsonPath = path + ".realtimePeriod",
                RetryAfter = rtRuntime != 0 ? "cpu.rt_runtime_us" : null,
            });
        }
        if (rtRuntime != 0)
        {
            plan.Add("cpu", "cpu.rt_runtime_us", Num(rtRuntime), path + ".realtimeRuntime");
        }
    }

    private static void PlanCpuV2(Planner plan, LinuxCpu cpu, ulong shares, long quota, ulong period, long rtRuntime, ulong rtPeriod)
    {
        const string path = Root + ".cpu";
        if (shares != 0)
        {
            plan.Add("cpu", "cpu.weight", Num(SharesToWeight(shares)), path + ".shares");
        }
        if (cpu.Idle is { } idle)
        {
            plan.Add("cpu", "cpu.idle", Num(idle), path + ".idle");
        }
        if (cpu.Burst is { } burst)
        {
            plan.Add(new CgroupWrite("cpu", "cpu.max.burst", Num(burst))
            {
                JsonPath = path + ".burst",
                RetryAfter = quota != 0 ? "cpu.max" : null,
            });
        }
        if (quota != 0 || period != 0)
        {
            // runc: "max" unless a positive quota, then the period when given ("max 100000" resets the quota).
            var max = quota > 0 ? Num(quota) : "max";
            if (period != 0)
            {
                max += " " + Num(period);
            }
            plan.Add("cpu", "cpu.max", max, path + (quota != 0 ? ".quota" : ".period"));
        }
        if (rtRuntime != 0 || rtPeriod != 0)
        {
            plan.Warn(path + (rtRuntime != 0 ? ".realtimeRuntime" : ".realtimePeriod"),
                "is ignored: cgroup v2 has no per-cgroup realtime budget (realtime tasks use the root's)");
        }
    }

    /// <summary>
    /// cpu.shares [2, 262144] to cpu.weight [1, 10000], runc's (>= 1.3.2) and crun's (>= 1.23) formula:
    /// a quadratic in log2(shares) through the minimum, the maximum and the defaults (1024 -> 100), so a
    /// default container gets the default weight. 0 stays 0 ("unset").
    /// </summary>
    internal static ulong SharesToWeight(ulong shares)
    {
        if (shares == 0)
        {
            return 0;
        }
        if (shares <= MinShares)
        {
            return MinWeight;
        }
        if (shares >= MaxShares)
        {
            return MaxWeight;
        }
        var l = Math.Log2(shares);
        var exponent = ((l * l) + (125 * l)) / 612.0 - 7.0 / 34.0;
        return (ulong)Math.Ceiling(Math.Pow(10, exponent));
    }
}
