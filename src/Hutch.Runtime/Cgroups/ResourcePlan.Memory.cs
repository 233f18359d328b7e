using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>linux.resources.memory.</summary>
internal static partial class ResourcePlan
{
    /// <summary>v1 files whose order Apply may swap (see <see cref="OrderMemoryAndSwap"/>).</summary>
    internal const string V1MemoryLimit = "memory.limit_in_bytes", V1MemorySwapLimit = "memory.memsw.limit_in_bytes";

    /// <summary>cgroup v1's kernel TCP memory limit (linux.resources.memory.kernelTCP); absent where the kernel lacks it.</summary>
    internal const string V1KernelTcpLimit = "memory.kmem.tcp.limit_in_bytes";

    /// <summary>docker sends swappiness -1 (as a uint64) for "not set"; runc treats it so.</summary>
    private const ulong SwappinessUnset = ulong.MaxValue;

    private static void PlanMemory(Planner plan, LinuxMemory? memory)
    {
        if (memory is null)
        {
            return;
        }
        const string path = Root + ".memory";
        var limit = memory.Limit ?? 0;
        var swap = memory.Swap ?? 0;
        var reservation = memory.Reservation ?? 0;
        var swappiness = memory.Swappiness is { } s && s != SwappinessUnset ? s : (ulong?)null;
        var disableOom = memory.DisableOOMKiller == true;

        CheckByteValue(limit, path + ".limit");
        CheckByteValue(swap, path + ".swap");
        CheckByteValue(reservation, path + ".reservation");

        // runc 1.2 ignores kernel memory limits with a warning; the kernel dropped them (5.16 for kmem).
        if (memory.Kernel is { } kernel)
        {
            plan.Warn(path + ".kernel", $"{kernel} is ignored: kernel memory limits are deprecated by the runtime-spec and gone from Linux");
        }
        // The TCP one lives on in cgroup v1's memory.kmem.tcp.limit_in_bytes (runc 1.1 writes it);
        // cgroup2 has no such knob (TCP memory is charged to memory.max).
        if (memory.KernelTCP is { } kernelTcp)
        {
            CheckByteValue(kernelTcp, path + ".kernelTCP");
            if (plan.Locate("memory", "memory") == Hierarchy.V1)
            {
                plan.Add(new CgroupWrite("memory", V1KernelTcpLimit, Num(kernelTcp)) { JsonPath = path + ".kernelTCP", SkipIfMissing = true });
            }
            else
            {
                plan.Warn(path + ".kernelTCP", $"{kernelTcp} is ignored: cgroup v2 has no kernel TCP memory limit (TCP memory counts in memory.max)");
            }
        }

        var anything = limit != 0 || swap != 0 || reservation != 0 || swappiness is not null || disableOom || memory.UseHierarchy is not null;
        if (!anything)
        {
            return; // docker's {"disableOOMKiller": false}: nothing to do, and no controller needed
        }
        var firstSet = limit != 0 ? (path + ".limit", (object)limit) : swap != 0 ? (path + ".swap", swap)
            : reservation != 0 ? (path + ".reservation", reservation) : swappiness is not null ? (path + ".swappiness", swappiness.Value)
            : disableOom ? (path + ".disableOOMKiller", true) : (path + ".useHierarchy", memory.UseHierarchy!.Value);
        var where = plan.Require("memory", "memory", firstSet.Item1, firstSet.Item2);
        if (where == Hierarchy.V1)
        {
            PlanMemoryV1(plan, memory, limit, swap, reservation, swappiness, disableOom);
        }
        else
        {
            PlanMemoryV2(plan, memory, limit, swap, reservation, swappiness, disableOom);
        }
    }

    private static void CheckByteValue(long value, string jsonPath)
    {
        if (value < -1)
        {
            throw new CgroupResourceException(jsonPath, $"{value} is not a byte count; use a positive number of bytes, or -1 for no limit");
        }
    }

    private static void PlanMemoryV1(Planner plan, LinuxMemory memory, long limit, long swap, long reservation, ulong? swappiness, bool disableOom)
    {
        const string path = Root + ".memory";
        // runc: memory -1 with swap unset means "both unlimited"; memsw exists only with swap accounting.
        var swapIsImplied = limit == -1 && swap == 0;
        if (limit != 0)
        {
            plan.Add("memory", V1MemoryLimit, Num(limit), path + ".limit");
        }
        if (swapIsImplied)
        {
            plan.Add(new CgroupWrite("memory", V1MemorySwapLimit, "-1") { JsonPath = path + ".limit", SkipIfMissing = true });
        }
        else if (swap != 0)
        {
            // v1's memsw limit is memory+swap, the spec's meaning of swap: written as given.
            plan.Add("memory", V1MemorySwapLimit, Num(swap), path + ".swap");
        }
        if (reservation != 0)
        {
            plan.Add("memory", "memory.soft_limit_in_bytes", Num(reservation), path + ".reservation");
        }
        if (disableOom)
        {
            plan.Add("memory", "memory.oom_control", "1", path + ".disableOOMKiller");
        }
        if (swappiness is { } value)
        {
            if (value > 100)
            {
                throw new CgroupResourceException(path + ".swappiness", $"{value} is out of range; use 0 to 100");
            }
            plan.Add("memory", "memory.swappiness", Num(value), path + ".swappiness");
        }
        if (memory.UseHierarchy == true)
        {
            plan.Add("memory", "memory.use_hierarchy", "1", path + ".useHierarchy");
        }
        else if (memory.UseHierarchy == false)
        {
            plan.Warn(path + ".useHierarchy", "false is ignored: Linux 6.x memory cgroups are always hierarchical (writing 0 fails)");
        }
    }

    private static void PlanMemoryV2(Planner plan, LinuxMemory memory, long limit, long swap, long reservation, ulong? swappiness, bool disableOom)
    {
        const string path = Root + ".memory";
        // cgroup2 limits swap alone; the spec's swap is memory+swap (runc's ConvertMemorySwapToCgroupV2Value).
        string? swapMax;
        if (limit == -1 && swap == 0)
        {
            swapMax = "max";
        }
        else if (swap == -1)
        {
            swapMax = "max";
        }
        else if (swap == 0)
        {
            swapMax = null;
        }
        else if (limit is 0 or -1)
        {
            throw new CgroupResourceException(path + ".swap",
                $"{swap} cannot be applied on cgroup v2 without a memory limit: swap is memory+swap, so set linux.resources.memory.limit too");
        }
        else if (swap < limit)
        {
            throw new CgroupResourceException(path + ".swap",
                $"{swap} is below the memory limit {limit}; swap is the memory+swap total and must be at least the limit");
        }
        else
        {
            swapMax = Num(swap - limit);
        }
        if (swapMax is not null)
        {
            // Without swap accounting memory.swap.max is missing: "max" and "0" then mean what there
            // already is (runc); another value cannot be enforced, and crun goes on without it
            // (podman asks for swap with every --memory): so does hutch, saying so.
            plan.Add(new CgroupWrite("memory", "memory.swap.max", swapMax)
            {
                JsonPath = path + (swap != 0 ? ".swap" : ".limit"),
                SkipIfMissing = swapMax is "max" or "0",
                WarnIfMissing = $"{(swap != 0 ? swap : limit)} is not applied to swap: the cgroup has no memory.swap.max " +
                    "(the kernel keeps no swap accounting: swapaccount=0 or no CONFIG_MEMCG_SWAP); the memory limit holds, swap use is not limited",
            });
        }
        if (limit != 0)
        {
            plan.Add("memory", "memory.max", MaxOrNum(limit), path + ".limit");
        }
        if (reservation != 0)
        {
            plan.Add("memory", "memory.low", MaxOrNum(reservation), path + ".reservation");
        }
        if (swappiness is { } value)
        {
            plan.Warn(path + ".swappiness", $"{value} is ignored: cgroup v2 has no per-cgroup swappiness");
        }
        if (disableOom)
        {
            plan.Warn(path + ".disableOOMKiller", "true is ignored: cgroup v2 cannot disable the OOM killer (set memory.oom.group or a higher limit instead)");
        }
        if (memory.UseHierarchy == false)
        {
            plan.Warn(path + ".useHierarchy", "false is ignored: cgroup v2 is always hierarchical");
        }
    }

    /// <summary>
    /// runc's order for the v1 memory and memory+swap limits, which the kernel checks against each other
    /// (memsw must stay at least the limit): when the new memsw is unlimited or above the current limit,
    /// raise memsw first, else set the limit first. <paramref name="currentLimit"/> is
    /// memory.limit_in_bytes now. Other writes keep their places.
    /// </summary>
    public static IReadOnlyList<CgroupWrite> OrderMemoryAndSwap(IReadOnlyList<CgroupWrite> writes, ulong currentLimit)
    {
        var limitAt = IndexOf(writes, V1MemoryLimit);
        var swapAt = IndexOf(writes, V1MemorySwapLimit);
        if (limitAt < 0 || swapAt < 0)
        {
            return writes;
        }
        var swap = long.Parse(writes[swapAt].Value, System.Globalization.CultureInfo.InvariantCulture);
        var swapFirst = swap == -1 || currentLimit < (ulong)swap;
        if (swapFirst == (swapAt < limitAt))
        {
            return writes;
        }
        var reordered = writes.ToList();
        (reordered[limitAt], reordered[swapAt]) = (reordered[swapAt], reordered[limitAt]);
        return reordered;
    }

    private static int IndexOf(IReadOnlyList<CgroupWrite> writes, string file)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Controller == "memory" && writes[i].File == file)
            {
                return i;
            }
        }
        return -1;
    }
}
