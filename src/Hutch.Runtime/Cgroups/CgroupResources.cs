using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>
/// Writes linux.resources into a container's cgroup: the <see cref="ResourcePlan"/> for this host, with
/// what runc does around the writes (checkBeforeUpdate, the v1 memory/memsw order, EINVAL retries of
/// cfs/rt periods, BFQ fallbacks, the cpu.shares read-back) and, on cgroup v2, the eBPF device filter.
/// Every failure is a <see cref="CgroupResourceException"/> naming the config field and the value.
/// </summary>
internal static class CgroupResources
{
    /// <summary>Applies <paramref name="resources"/> on this host's layout; <paramref name="warn"/> gets the settings it ignores.</summary>
    public static void Apply(Cgroup cgroup, LinuxResources resources, bool update = false, Action<string>? warn = null) =>
        Apply(cgroup, CgroupLayout.Detect(), resources, update, warn);

    /// <summary>
    /// <see cref="Apply(Cgroup, LinuxResources, bool, Action{string})"/> on a given layout (the one the
    /// cgroup was made on). <paramref name="rootless"/>: device rules the kernel refuses are skipped
    /// (<paramref name="debug"/> says so), as runc and crun do: only a process with CAP_SYS_ADMIN in
    /// the initial user namespace may write v1 devices.allow/deny or attach a cgroup2 device filter,
    /// and a container in its own user namespace cannot open the host's device nodes anyway; and
    /// the writes of a hierarchy the rootless cgroup could not be made in are dropped.
    /// </summary>
    public static void Apply(Cgroup cgroup, CgroupLayout layout, LinuxResources resources, bool update = false, Action<string>? warn = null,
        bool rootless = false, Action<string>? debug = null)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        var plan = ResourcePlan.Build(resources, layout, update);
        foreach (var warning in plan.Warnings)
        {
            warn?.Invoke(warning);
        }
        if (update && resources.Memory?.CheckBeforeUpdate == true)
        {
            CheckMemoryUsage(cgroup, layout, resources.Memory);
        }

        var writes = plan.Writes;
        if (rootless)
        {
            writes = SkipDeviceRulesWhereRefused(cgroup, writes, debug);
        }
        if (layout.IsV1("memory") && writes.Any(w => w.File == ResourcePlan.V1MemorySwapLimit) && writes.Any(w => w.File == ResourcePlan.V1MemoryLimit))
        {
            writes = ResourcePlan.OrderMemoryAndSwap(writes, ReadNumber(cgroup, "memory", ResourcePlan.V1MemoryLimit) ?? 0);
        }
        Execute(cgroup, writes, warn);

        if (plan.DeviceFilter is { } filter)
        {
            var dir = cgroup.UnifiedDir ?? throw new CgroupResourceException("linux.resources.devices",
                "cannot attach the eBPF device filter: the container's cgroup has no cgroup2 directory");
            try
            {
                DeviceFilter.Attach(dir, filter);
            }
            catch (DeviceFilterException e) when (rootless)
            {
                debug?.Invoke($"linux.resources.devices: not applied (rootless; the kernel refuses a device filter without CAP_SYS_ADMIN in the initial user namespace): {e.Message}");
            }
            catch (DeviceFilterException e)
            {
                throw new CgroupResourceException("linux.resources.devices", $"cannot be applied: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Rootless: the v1 device writes, dropped when the first one (deny all) is refused or the cgroup
    /// has no devices hierarchy (runc ignores every device error when rootless).
    /// </summary>
    private static IReadOnlyList<CgroupWrite> SkipDeviceRulesWhereRefused(Cgroup cgroup, IReadOnlyList<CgroupWrite> writes, Action<string>? debug)
    {
        var devices = writes.Where(w => w.Controller == "devices").ToList();
        if (devices.Count == 0)
        {
            return writes;
        }
        string? reason = null;
        if (cgroup.Dir("devices") is null)
        {
            reason = "the container has no devices cgroup";
        }
        else
        {
            var errno = TryWrite(cgroup, devices[0], out var failure);
            if (errno != 0)
            {
                reason = failure?.Message ?? $"errno {errno}";
            }
        }
        if (reason is null)
        {
            return writes.Where(w => !ReferenceEquals(w, devices[0])).ToList();
        }
        debug?.Invoke($"linux.resources.devices: not applied (rootless; the kernel refuses device rules without CAP_SYS_ADMIN in the initial user namespace): {reason}");
        return writes.Where(w => w.Controller != "devices").ToList();
    }

    /// <summary>Runs the writes in order with their retry, fallback and skip rules.</summary>
    private static void Execute(Cgroup cgroup, IReadOnlyList<CgroupWrite> writes, Action<string>? warn)
    {
        var deferred = new List<CgroupWrite>();
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            var errno = TryWrite(cgroup, write, out var failure);
            if (errno == Errno.ENOENT && write.WarnIfMissing is { } missing)
            {
                warn?.Invoke($"{write.JsonPath}: {missing}");
                continue;
            }
            if (errno == Errno.EINVAL && write.RetryAfter is { } after && writes.Skip(i + 1).Any(w => w.File == after))
            {
                deferred.Add(write); // the kernel checks it against a value the plan changes next
                continue;
            }
            if (failure is not null)
            {
                throw Explain(cgroup, write, failure);
            }
            foreach (var waiting in deferred.Where(d => d.RetryAfter == write.File).ToList())
            {
                deferred.Remove(waiting);
                if (TryWrite(cgroup, waiting, out var again) != 0 && again is not null)
                {
                    throw Explain(cgroup, waiting, again);
                }
            }
        }
    }

    /// <summary>Writes one value (or its fallback); returns 0 or the errno with the exception in <paramref name="failure"/>.</summary>
    private static int TryWrite(Cgroup cgroup, CgroupWrite write, out CgroupException? failure)
    {
        failure = null;
        try
        {
            cgroup.Write(write.Controller, write.File, write.Value);
        }
        catch (CgroupException e) when (e.Errno == Errno.ENOENT && write.SkipIfMissing)
        {
            return 0;
        }
        catch (CgroupException e) when (e.Errno == Errno.ENOENT && write.Fallback is { } fallback)
        {
            return TryWrite(cgroup, fallback, out failure);
        }
        catch (CgroupException e)
        {
            failure = e;
            return e.Errno == 0 ? -1 : e.Errno;
        }
        if (write.VerifyReadBack)
        {
            var stored = cgroup.Read(write.Controller, write.File)?.Trim();
            if (stored is not null && stored != write.Value)
            {
                failure = new CgroupException(
                    $"the kernel stored {stored} instead of {write.Value} (it clamps the value to its range; the nearest allowed value is {stored})",
                    write.File, write.Value, Errno.ERANGE);
                return Errno.ERANGE;
            }
        }
        return 0;
    }

    private static CgroupResourceException Explain(Cgroup cgroup, CgroupWrite write, CgroupException failure)
    {
        var detail = failure.Message;
        if (failure.Errno == Errno.EBUSY && write.File is ResourcePlan.V1MemoryLimit or "memory.max")
        {
            var usage = write.File == "memory.max" ? "memory.current" : "memory.usage_in_bytes";
            var peak = write.File == "memory.max" ? "memory.peak" : "memory.max_usage_in_bytes";
            detail += $" (current usage {Show(ReadNumber(cgroup, "memory", usage))}, peak {Show(ReadNumber(cgroup, "memory", peak))} bytes: " +
                "set a limit above the usage, or free memory in the container first)";
        }
        return new CgroupResourceException(write.JsonPath, $"{QuoteValue(write.Value)} cannot be applied: {detail}", failure);
    }

    /// <summary>checkBeforeUpdate: refuse a memory (or memory+swap) limit at or below what the container uses now.</summary>
    private static void CheckMemoryUsage(Cgroup cgroup, CgroupLayout layout, LinuxMemory memory)
    {
        var limit = memory.Limit ?? 0;
        var swap = memory.Swap ?? 0;
        if (limit <= 0 && swap <= 0)
        {
            return;
        }
        var v1 = layout.IsV1("memory");
        var usage = ReadNumber(cgroup, "memory", v1 ? "memory.usage_in_bytes" : "memory.current");
        if (usage is null)
        {
            return; // no usage file: nothing to compare with (the write itself still fails if the kernel objects)
        }
        if (limit > 0 && usage.Value >= (ulong)limit)
        {
            throw new CgroupResourceException("linux.resources.memory.limit",
                $"{limit} is refused (checkBeforeUpdate): the container uses {usage} bytes now; set a limit above that, or free memory first");
        }
        // v1 counts memory+swap in one file; v2 counts swap apart.
        var total = v1
            ? ReadNumber(cgroup, "memory", "memory.memsw.usage_in_bytes")
            : ReadNumber(cgroup, "memory", "memory.swap.current") is { } swapUsed ? usage + swapUsed : null;
        if (swap > 0 && total is { } used && used >= (ulong)swap)
        {
            throw new CgroupResourceException("linux.resources.memory.swap",
                $"{swap} is refused (checkBeforeUpdate): the container uses {used} bytes of memory+swap now; set a limit above that");
        }
    }

    private static ulong? ReadNumber(Cgroup cgroup, string controller, string file)
    {
        var text = cgroup.Read(controller, file)?.Trim();
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string Show(ulong? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "unknown";

    private static string QuoteValue(string value) => $"`{value}`";
}
