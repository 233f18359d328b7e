namespace Hutch.Spec;

/// <summary>linux.resources: only cheap sanity checks; the cgroup files themselves refuse the rest.</summary>
internal static class ResourcesRules
{
    public static void Check(LinuxResources resources, ValidationReport report)
    {
        // pids.limit: int64, "-1 indicating no limit"; anything lower means nothing.
        if (resources.Pids?.Limit is < -1 and var limit)
        {
            report.Error("linux.resources.pids.limit", $"is {limit}; use a number of tasks (0 or more) or -1 for no limit");
        }

        for (var i = 0; resources.Devices != null && i < resources.Devices.Count; i++)
        {
            var path = JsonPath.Index("linux.resources.devices", i);
            var rule = resources.Devices[i];
            if (rule == null)
            {
                report.Error(path, "is null; each rule is {\"allow\": true|false, \"type\": \"a|c|b\", \"access\": \"rwm\"}");
                continue;
            }
            if (rule.Type != null && rule.Type is not ("a" or "c" or "b"))
            {
                report.Error(path + ".type", $"{JsonPath.Quote(rule.Type)} is not a device rule type; use \"a\" (all), \"c\" (char) or \"b\" (block)");
            }
            if (rule.Access != null && rule.Access.Any(c => c is not ('r' or 'w' or 'm')))
            {
                report.Error(path + ".access", $"{JsonPath.Quote(rule.Access)} is not made of r (read), w (write) and m (mknod)");
            }
            // Past the kernel's dev_t a rule matches no device; (u32)-1 would read as "any" to some filters.
            if (rule.Major is { } major)
            {
                KernelLimits.CheckDeviceNumber(path + ".major", major, isMajor: true, wildcard: true, report);
            }
            if (rule.Minor is { } minor)
            {
                KernelLimits.CheckDeviceNumber(path + ".minor", minor, isMajor: false, wildcard: true, report);
            }
        }

        if (resources.BlockIO is { } blockIO)
        {
            const string blkio = "linux.resources.blockIO";
            CheckBlockDevices(blkio + ".weightDevice", blockIO.WeightDevice?.Select(d => d is null ? ((long, long)?)null : (d.Major, d.Minor)), report);
            CheckBlockDevices(blkio + ".throttleReadBpsDevice", blockIO.ThrottleReadBpsDevice?.Select(Numbers), report);
            CheckBlockDevices(blkio + ".throttleWriteBpsDevice", blockIO.ThrottleWriteBpsDevice?.Select(Numbers), report);
            CheckBlockDevices(blkio + ".throttleReadIOPSDevice", blockIO.ThrottleReadIOPSDevice?.Select(Numbers), report);
            CheckBlockDevices(blkio + ".throttleWriteIOPSDevice", blockIO.ThrottleWriteIOPSDevice?.Select(Numbers), report);
        }
    }

    private static (long, long)? Numbers(LinuxThrottleDevice? device) => device is null ? null : (device.Major, device.Minor);

    private static void CheckBlockDevices(string listPath, IEnumerable<(long Major, long Minor)?>? devices, ValidationReport report)
    {
        var i = 0;
        foreach (var device in devices ?? [])
        {
            if (device is { } d)
            {
                KernelLimits.CheckDeviceNumber(JsonPath.Index(listPath, i) + ".major", d.Major, isMajor: true, wildcard: false, report);
                KernelLimits.CheckDeviceNumber(JsonPath.Index(listPath, i) + ".minor", d.Minor, isMajor: false, wildcard: false, report);
            }
            i++;
        }
    }
}
