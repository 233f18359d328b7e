using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>linux.resources.blockIO: v1 blkio files, or cgroup2's io controller with runc's conversions.</summary>
internal static partial class ResourcePlan
{
    /// <summary>blkio weights (and the spec's) range from 10 to 1000.</summary>
    private const ushort MinBlkioWeight = 10, MaxBlkioWeight = 1000;

    private static void PlanBlockIO(Planner plan, LinuxBlockIO? io)
    {
        if (io is null)
        {
            return;
        }
        const string path = Root + ".blockIO";
        var weight = io.Weight ?? 0;
        var leaf = io.LeafWeight ?? 0;
        var devices = io.WeightDevice ?? [];
        var throttles = new (string Field, string V1File, string V2Key, List<LinuxThrottleDevice>? List)[]
        {
            ("throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps", io.ThrottleReadBpsDevice),
            ("throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps", io.ThrottleWriteBpsDevice),
            ("throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops", io.ThrottleReadIOPSDevice),
            ("throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops", io.ThrottleWriteIOPSDevice),
        };

        CheckWeight(weight, path + ".weight");
        CheckWeight(leaf, path + ".leafWeight");
        for (var i = 0; i < devices.Count; i++)
        {
            var at = JsonPath.Index(path + ".weightDevice", i);
            CheckDeviceNumbers(devices[i].Major, devices[i].Minor, at);
            CheckWeight(devices[i].Weight ?? 0, at + ".weight");
            CheckWeight(devices[i].LeafWeight ?? 0, at + ".leafWeight");
        }
        foreach (var (field, _, _, list) in throttles)
        {
            for (var i = 0; list != null && i < list.Count; i++)
            {
                CheckDeviceNumbers(list[i].Major, list[i].Minor, JsonPath.Index($"{path}.{field}", i));
            }
        }

        var firstSet = weight != 0 ? (path + ".weight", (object)weight) : leaf != 0 ? (path + ".leafWeight", leaf)
            : devices.Count > 0 ? (path + ".weightDevice", $"{devices.Count} device(s)")
            : throttles.FirstOrDefault(t => t.List is { Count: > 0 }) is { Field: not null } t ? ($"{path}.{t.Field}", $"{t.List!.Count} device(s)")
            : default;
        if (firstSet.Item1 is null)
        {
            return; // docker's {"weight": 0}: nothing to do
        }
        var where = plan.Require("blkio", "io", firstSet.Item1, firstSet.Item2);
        if (where == Hierarchy.V1)
        {
            PlanBlkioV1(plan, weight, leaf, devices, throttles);
        }
        else
        {
            PlanIoV2(plan, weight, leaf, devices, throttles);
        }
    }

    private static void PlanBlkioV1(Planner plan, ushort weight, ushort leaf, List<LinuxWeightDevice> devices,
        (string Field, string V1File, string V2Key, List<LinuxThrottleDevice>? List)[] throttles)
    {
        const string path = Root + ".blockIO";
        // With CFQ gone (Linux 5.0) the weights live in BFQ's files; runc picks whichever exists.
        if (weight != 0)
        {
            plan.Add(new CgroupWrite("blkio", "blkio.weight", Num(weight))
            {
                JsonPath = path + ".weight",
                Fallback = new CgroupWrite("blkio", "blkio.bfq.weight", Num(weight)) { JsonPath = path + ".weight" },
            });
        }
        if (leaf != 0)
        {
            plan.Add("blkio", "blkio.leaf_weight", Num(leaf), path + ".leafWeight");
        }
        for (var i = 0; i < devices.Count; i++)
        {
            var at = JsonPath.Index(path + ".weightDevice", i);
            var device = devices[i];
            if (device.Weight is { } w and not 0)
            {
                var value = $"{Num(device.Major)}:{Num(device.Minor)} {Num(w)}";
                plan.Add(new CgroupWrite("blkio", "blkio.weight_device", value)
                {
                    JsonPath = at + ".weight",
                    Fallback = new CgroupWrite("blkio", "blkio.bfq.weight_device", value) { JsonPath = at + ".weight" },
                });
            }
            if (device.LeafWeight is { } lw and not 0)
            {
                plan.Add("blkio", "blkio.leaf_weight_device", $"{Num(device.Major)}:{Num(device.Minor)} {Num(lw)}", at + ".leafWeight");
            }
        }
        foreach (var (field, file, _, list) in throttles)
        {
            for (var i = 0; list != null && i < list.Count; i++)
            {
                // A rate of 0 removes the device's limit on v1.
                plan.Add("blkio", file, $"{Num(list[i].Major)}:{Num(list[i].Minor)} {Num(list[i].Rate)}", JsonPath.Index($"{path}.{field}", i));
            }
        }
    }

    private static void PlanIoV2(Planner plan, ushort weight, ushort leaf, List<LinuxWeightDevice> devices,
        (string Field, string V1File, string V2Key, List<LinuxThrottleDevice>? List)[] throttles)
    {
        const string path = Root + ".blockIO";
        // runc: BFQ's io.bfq.weight takes the blkio value as is; without BFQ, io.weight gets it converted.
        if (weight != 0)
        {
            plan.Add(new CgroupWrite("io", "io.bfq.weight", Num(weight))
            {
                JsonPath = path + ".weight",
                Fallback = new CgroupWrite("io", "io.weight", Num(BlkioToIoWeight(weight))) { JsonPath = path + ".weight" },
            });
        }
        if (leaf != 0)
        {
            plan.Warn(path + ".leafWeight", $"{leaf} is ignored: cgroup v2 has no leaf weights");
        }
        for (var i = 0; i < devices.Count; i++)
        {
            var at = JsonPath.Index(path + ".weightDevice", i);
            var device = devices[i];
            var numbers = $"{Num(device.Major)}:{Num(device.Minor)}";
            if (device.Weight is { } w and not 0)
            {
                plan.Add(new CgroupWrite("io", "io.bfq.weight", $"{numbers} {Num(w)}")
                {
                    JsonPath = at + ".weight",
                    Fallback = new CgroupWrite("io", "io.weight", $"{numbers} {Num(BlkioToIoWeight(w))}") { JsonPath = at + ".weight" },
                });
            }
            if (device.LeafWeight is { } lw and not 0)
            {
                plan.Warn(at + ".leafWeight", $"{lw} is ignored: cgroup v2 has no leaf weights");
            }
        }
        foreach (var (field, _, key, list) in throttles)
        {
            for (var i = 0; list != null && i < list.Count; i++)
            {
                // A rate of 0 removes the limit, as on v1 (io.max takes "max" for that).
                var rate = list[i].Rate == 0 ? "max" : Num(list[i].Rate);
                plan.Add("io", "io.max", $"{Num(list[i].Major)}:{Num(list[i].Minor)} {key}={rate}", JsonPath.Index($"{path}.{field}", i));
            }
        }
    }

    /// <summary>blkio weight [10, 1000] to io.weight [1, 10000], runc's linear conversion (0 stays 0).</summary>
    internal static ulong BlkioToIoWeight(ushort weight) =>
        weight == 0 ? 0 : 1 + ((ulong)(weight - MinBlkioWeight) * 9999 / 990);

    private static void CheckWeight(ushort weight, string jsonPath)
    {
        if (weight != 0 && weight is < MinBlkioWeight or > MaxBlkioWeight)
        {
            throw new CgroupResourceException(jsonPath, $"{weight} is out of range; block IO weights go from {MinBlkioWeight} to {MaxBlkioWeight}");
        }
    }

    private static void CheckDeviceNumbers(long major, long minor, string jsonPath)
    {
        if (major < 0 || major > uint.MaxValue || minor < 0 || minor > uint.MaxValue)
        {
            throw new CgroupResourceException(jsonPath, $"{major}:{minor} is not a device number; give the block device's major and minor (ls -l /dev/sda shows them)");
        }
    }
}
