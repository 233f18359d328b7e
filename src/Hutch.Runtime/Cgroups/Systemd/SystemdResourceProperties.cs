using System.Globalization;
using Hutch.Linux.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// Pure: the unit properties linux.resources maps to, with the names runc's systemd driver gives
/// them: the cgroup v1 ones on a host where systemd runs in legacy or hybrid mode (MemoryLimit,
/// CPUShares, BlockIOWeight), the cgroup v2 ones on a unified host (MemoryMax, MemoryLow,
/// MemorySwapMax, CPUWeight, and those of linux.resources.unified that have a property). Both
/// get CPUQuotaPerSecUSec (and CPUQuotaPeriodUSec from systemd 242), TasksMax,
/// AllowedCPUs/AllowedMemoryNodes (from systemd 244) and DevicePolicy/DeviceAllow. The cgroup
/// files are written afterwards as the cgroupfs driver writes them (CgroupResources), so a
/// setting without a property, or one systemd is too old for, still applies.
/// </summary>
internal static class SystemdResourceProperties
{
    /// <summary>The kernel's default CFS period (100 ms), assumed when a quota comes without one.</summary>
    private const ulong DefaultCpuPeriod = 100_000;

    /// <summary>systemd's "infinity" for a usec or byte property.</summary>
    private const ulong Infinity = ulong.MaxValue;

    /// <summary>The properties for <paramref name="resources"/>; <paramref name="unified"/>: cgroup v2 names. Warnings go to <paramref name="warn"/>.</summary>
    public static List<SystemdProperty> For(LinuxResources resources, bool unified, int systemdVersion, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var properties = new List<SystemdProperty>();
        properties.AddRange(Devices(resources.Devices, warn));
        var memory = resources.Memory;
        var limit = memory?.Limit ?? 0;
        if (limit != 0)
        {
            properties.Add(SystemdProperty.UInt64(unified ? "MemoryMax" : "MemoryLimit", unchecked((ulong)limit)));
        }
        if (unified)
        {
            if (memory?.Reservation is { } reservation and not 0)
            {
                properties.Add(SystemdProperty.UInt64("MemoryLow", unchecked((ulong)reservation)));
            }
            if (SwapMax(limit, memory?.Swap ?? 0) is { } swap)
            {
                properties.Add(SystemdProperty.UInt64("MemorySwapMax", swap));
            }
        }
        var cpu = resources.Cpu;
        if (cpu?.Shares is { } shares and not 0)
        {
            properties.Add(unified
                ? SystemdProperty.UInt64("CPUWeight", ResourcePlan.SharesToWeight(shares))
                : SystemdProperty.UInt64("CPUShares", shares));
        }
        AddCpuQuota(properties, cpu?.Quota ?? 0, cpu?.Period ?? 0, systemdVersion);
        if (!unified && resources.BlockIO?.Weight is { } weight and not 0)
        {
            properties.Add(SystemdProperty.UInt64("BlockIOWeight", weight));
        }
        if (resources.Pids?.Limit is { } pids && (pids > 0 || pids == -1))
        {
            properties.Add(SystemdProperty.UInt64("TasksMax", unchecked((ulong)pids)));
        }
        AddCpuset(properties, cpu?.Cpus, cpu?.Mems, systemdVersion, "linux.resources.cpu");
        if (unified && resources.Unified is { Count: > 0 } files)
        {
            AddUnified(properties, files, systemdVersion);
        }
        return properties;
    }

    /// <summary>
    /// DevicePolicy and DeviceAllow from the device rules (the config's, then runc's default ones),
    /// as the v1 controller would apply them. systemd only knows an allow-list: a list that allows
    /// everything but some devices becomes strict with no entry (the cgroup files, written next,
    /// carry the real rules), as runc does; an allow-all list is DevicePolicy=auto.
    /// </summary>
    internal static List<SystemdProperty> Devices(List<LinuxDeviceCgroup>? devices, Action<string>? warn)
    {
        var set = ResourcePlan.DeviceRules(devices);
        var strict = SystemdProperty.String("DevicePolicy", "strict");
        var empty = SystemdProperty.DeviceAllow([]);
        if (set.DefaultAllow)
        {
            if (set.Exceptions.Count == 0)
            {
                return [SystemdProperty.String("DevicePolicy", "auto"), empty];
            }
            warn?.Invoke("linux.resources.devices: systemd takes no deny rules (DeviceAllow is an allow-list): the unit denies every device and the cgroup's own device rules, written next, allow the rest");
            return [strict, empty];
        }
        var entries = new List<(string, string)>();
        foreach (var rule in set.Exceptions)
        {
            var access = DeviceFilterRule.AccessLetters(rule.Access);
            var kind = rule.Kind == DeviceKind.Block ? "block" : "char";
            if (rule.Major == DeviceFilterRule.Any)
            {
                if (rule.Minor != DeviceFilterRule.Any)
                {
                    warn?.Invoke($"linux.resources.devices: systemd has no form for {rule} (any major, one minor): the unit leaves it out, the cgroup's own device rules apply it");
                    continue;
                }
                entries.Add((kind + "-*", access));
            }
            else if (rule.Minor == DeviceFilterRule.Any)
            {
                // systemd names a whole major by its driver's group in /proc/devices.
                if (DeviceGroup(rule.Kind, rule.Major) is { } group)
                {
                    entries.Add((kind + "-" + group, access));
                }
                else
                {
                    warn?.Invoke($"linux.resources.devices: no driver has major {rule.Major} in /proc/devices: the unit leaves {rule} out, the cgroup's own device rules apply it");
                }
            }
            else
            {
                entries.Add(($"/dev/{kind}/{rule.Major.ToString(CultureInfo.InvariantCulture)}:{rule.Minor.ToString(CultureInfo.InvariantCulture)}", access));
            }
        }
        return [strict, empty, SystemdProperty.DeviceAllow(entries)];
    }

    /// <summary>
    /// CPUQuotaPerSecUSec (infinity when only a period is given) and, from systemd 242,
    /// CPUQuotaPeriodUSec. systemd keeps the quota as a whole percent of a CPU, so a quota between
    /// two percents is rounded up to the next 10 ms per second, as runc does.
    /// </summary>
    private static void AddCpuQuota(List<SystemdProperty> properties, long quota, ulong period, int systemdVersion)
    {
        if (period != 0 && systemdVersion >= 242)
        {
            properties.Add(SystemdProperty.UInt64("CPUQuotaPeriodUSec", period));
        }
        if (quota == 0 && period == 0)
        {
            return;
        }
        var perSecond = Infinity;
        if (quota > 0)
        {
            var usedPeriod = period == 0 ? DefaultCpuPeriod : period;
            perSecond = (ulong)quota * 1_000_000 / usedPeriod;
            if (perSecond % 10_000 != 0)
            {
                perSecond = (perSecond / 10_000 + 1) * 10_000;
            }
        }
        properties.Add(SystemdProperty.UInt64("CPUQuotaPerSecUSec", perSecond));
    }

    /// <summary>AllowedCPUs / AllowedMemoryNodes (systemd 244 and later) as the bit masks systemd takes.</summary>
    private static void AddCpuset(List<SystemdProperty> properties, string? cpus, string? mems, int systemdVersion, string jsonPath)
    {
        if (systemdVersion < 244)
        {
            return;
        }
        if (!string.IsNullOrEmpty(cpus))
        {
            properties.Add(SystemdProperty.Bytes("AllowedCPUs", RangeToBits(cpus, jsonPath + ".cpus")));
        }
        if (!string.IsNullOrEmpty(mems))
        {
            properties.Add(SystemdProperty.Bytes("AllowedMemoryNodes", RangeToBits(mems, jsonPath + ".mems")));
        }
    }

    /// <summary>The linux.resources.unified files that have a property; the others are only written to the files.</summary>
    private static void AddUnified(List<SystemdProperty> properties, Dictionary<string, string> files, int systemdVersion)
    {
        foreach (var (key, raw) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var value = raw.Trim();
            var jsonPath = JsonPath.Key("linux.resources.unified", key);
            switch (key)
            {
                case "cpu.max":
                    var fields = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length is < 1 or > 2)
                    {
                        throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(raw)} is not \"QUOTA [PERIOD]\" (QUOTA a number of microseconds or \"max\")");
                    }
                    var quota = fields[0] == "max" ? 0 : ParseLong(fields[0], jsonPath);
                    var period = fields.Length == 2 ? ParseULong(fields[1], jsonPath) : DefaultCpuPeriod;
                    AddCpuQuota(properties, quota, period, systemdVersion);
                    break;
                case "cpu.weight":
                    properties.Add(SystemdProperty.UInt64("CPUWeight", ParseULong(value, jsonPath)));
                    break;
                case "cpuset.cpus":
                    AddCpuset(properties, value, null, systemdVersion, jsonPath);
                    break;
                case "cpuset.mems":
                    AddCpuset(properties, null, value, systemdVersion, jsonPath);
                    break;
                case "memory.high" or "memory.low" or "memory.min" or "memory.max" or "memory.swap.max":
                    var name = key switch
                    {
                        "memory.high" => "MemoryHigh",
                        "memory.low" => "MemoryLow",
                        "memory.min" => "MemoryMin",
                        "memory.max" => "MemoryMax",
                        _ => "MemorySwapMax",
                    };
                    properties.Add(SystemdProperty.UInt64(name, value == "max" ? Infinity : ParseULong(value, jsonPath)));
                    break;
                case "pids.max":
                    properties.Add(SystemdProperty.UInt64("TasksMax", value == "max" ? Infinity : ParseULong(value, jsonPath)));
                    break;
                default:
                    break; // no property: the file write applies it
            }
        }
    }

    /// <summary>memory.swap.max from the spec's memory+swap (runc's conversion); null: unset.</summary>
    private static ulong? SwapMax(long limit, long swap)
    {
        if ((limit == -1 && swap == 0) || swap == -1)
        {
            return Infinity;
        }
        if (swap == 0 || limit <= 0 || swap < limit)
        {
            return null; // unset, or an error the cgroup plan reports with its JSON path
        }
        return (ulong)(swap - limit);
    }

    /// <summary>
    /// A cpuset list ("0-3,8") as systemd's AllowedCPUs bytes: bit N of the mask set for CPU N,
    /// least significant byte first.
    /// </summary>
    internal static byte[] RangeToBits(string list, string jsonPath)
    {
        var bits = new List<byte>();
        foreach (var piece in list.Split(','))
        {
            var range = piece.Trim();
            if (range.Length == 0)
            {
                continue;
            }
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var first = ParseCpu(dash < 0 ? range : range[..dash], list, jsonPath);
            var last = dash < 0 ? first : ParseCpu(range[(dash + 1)..], list, jsonPath);
            if (first > last)
            {
                throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(list)}: the range {range} runs backwards");
            }
            for (var cpu = first; cpu <= last; cpu++)
            {
                while (bits.Count <= cpu / 8)
                {
                    bits.Add(0);
                }
                bits[cpu / 8] |= (byte)(1 << (cpu % 8));
            }
        }
        if (bits.Count == 0)
        {
            throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(list)} names no CPU or memory node");
        }
        return [.. bits];
    }

    private static int ParseCpu(string text, string list, string jsonPath) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < 1 << 16
            ? n
            : throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(list)} is not a list of numbers and ranges (e.g. \"0-3,8\")");

    private static long ParseLong(string text, string jsonPath) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)} is not a number");

    private static ulong ParseULong(string text, string jsonPath) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)} is not a number");

    /// <summary>The driver name /proc/devices gives major <paramref name="major"/> of that kind, or null.</summary>
    private static string? DeviceGroup(DeviceKind kind, long major)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/devices");
        }
        catch (IOException)
        {
            return null;
        }
        var section = "";
        foreach (var line in lines)
        {
            var text = line.Trim();
            if (text.EndsWith("devices:", StringComparison.Ordinal))
            {
                section = text;
                continue;
            }
            var wanted = kind == DeviceKind.Block ? "Block devices:" : "Character devices:";
            var fields = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (section == wanted && fields.Length == 2 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == major)
            {
                return fields[1];
            }
        }
        return null;
    }
}
