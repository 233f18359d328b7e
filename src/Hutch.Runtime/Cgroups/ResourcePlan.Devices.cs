using Hutch.Linux.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>linux.resources.devices: v1 devices.allow/devices.deny writes, or the cgroup v2 eBPF filter's rules.</summary>
internal static partial class ResourcePlan
{
    /// <summary>
    /// runc appends these to every container's rules (specconv AllowedDevices): mknod of any device,
    /// /dev/null, random, full, tty, zero, urandom, the pty slaves (136:*), /dev/ptmx and /dev/net/tun.
    /// The runtime-spec requires most of these nodes in every container, so they must also be usable.
    /// </summary>
    internal static IReadOnlyList<DeviceFilterRule> DefaultAllowedDevices { get; } =
    [
        new(true, DeviceKind.Char, DeviceFilterRule.Any, DeviceFilterRule.Any, DeviceAccess.Mknod),
        new(true, DeviceKind.Block, DeviceFilterRule.Any, DeviceFilterRule.Any, DeviceAccess.Mknod),
        new(true, DeviceKind.Char, 1, 3, DeviceAccess.All),   // /dev/null
        new(true, DeviceKind.Char, 1, 8, DeviceAccess.All),   // /dev/random
        new(true, DeviceKind.Char, 1, 7, DeviceAccess.All),   // /dev/full
        new(true, DeviceKind.Char, 5, 0, DeviceAccess.All),   // /dev/tty
        new(true, DeviceKind.Char, 1, 5, DeviceAccess.All),   // /dev/zero
        new(true, DeviceKind.Char, 1, 9, DeviceAccess.All),   // /dev/urandom
        new(true, DeviceKind.Char, 136, DeviceFilterRule.Any, DeviceAccess.All), // /dev/pts/*
        new(true, DeviceKind.Char, 5, 2, DeviceAccess.All),   // /dev/ptmx
        new(true, DeviceKind.Char, 10, 200, DeviceAccess.All), // /dev/net/tun (runc kept it for compatibility)
    ];

    /// <summary>
    /// The effect of the config's rules then runc's default ones, applied from deny-all (the systemd
    /// driver's DevicePolicy and DeviceAllow come from it). Throws CgroupResourceException.
    /// </summary>
    internal static DeviceFilterRuleSet DeviceRules(List<LinuxDeviceCgroup>? devices)
    {
        const string path = Root + ".devices";
        var rules = new List<DeviceFilterRule>();
        for (var i = 0; devices != null && i < devices.Count; i++)
        {
            rules.Add(ToRule(devices[i], JsonPath.Index(path, i)));
        }
        rules.AddRange(DefaultAllowedDevices);
        try
        {
            return DeviceFilterRuleSet.Build(rules);
        }
        catch (ArgumentException e)
        {
            throw new CgroupResourceException(path, e.Message);
        }
    }

    /// <summary>The config's rules then runc's defaults, applied from deny-all; null on update without devices.</summary>
    private static DeviceFilterRuleSet? PlanDevices(Planner plan, List<LinuxDeviceCgroup>? devices, bool update)
    {
        const string path = Root + ".devices";
        if (update && devices is null)
        {
            return null;
        }
        var rules = new List<DeviceFilterRule>();
        for (var i = 0; devices != null && i < devices.Count; i++)
        {
            rules.Add(ToRule(devices[i], JsonPath.Index(path, i)));
        }
        rules.AddRange(DefaultAllowedDevices);

        DeviceFilterRuleSet set;
        try
        {
            set = DeviceFilterRuleSet.Build(rules);
        }
        catch (ArgumentException e)
        {
            throw new CgroupResourceException(path, e.Message);
        }

        if (plan.Layout.IsV1("devices"))
        {
            // Deny everything first (a fresh v1 cgroup inherits its parent's list), then each rule in order.
            plan.Add("devices", "devices.deny", "a", path);
            for (var i = 0; i < rules.Count; i++)
            {
                var at = devices != null && i < devices.Count ? JsonPath.Index(path, i) : path + " (runc's default allowed devices)";
                plan.Add("devices", rules[i].Allow ? "devices.allow" : "devices.deny", rules[i].ToV1String(), at);
            }
            return null;
        }
        if (plan.Layout.UnifiedMount is not null)
        {
            return set;
        }
        if (devices is { Count: > 0 })
        {
            throw new CgroupResourceException(path,
                $"{devices.Count} rule(s) cannot be applied: this host has no devices controller and no cgroup2 " +
                $"({DescribeLayout(plan.Layout)}); mount the v1 devices controller or cgroup2, or remove the rules");
        }
        plan.Warn(path, "the container's device access is not restricted: this host has neither a v1 devices controller nor cgroup2");
        return null;
    }

    private static DeviceFilterRule ToRule(LinuxDeviceCgroup device, string jsonPath)
    {
        var kind = device.Type switch
        {
            null or "" or "a" => DeviceKind.All,
            "c" => DeviceKind.Char,
            "b" => DeviceKind.Block,
            _ => throw new CgroupResourceException(jsonPath + ".type", $"{JsonPath.Quote(device.Type)} is not a device type; use \"a\", \"c\" or \"b\""),
        };
        var major = device.Major ?? DeviceFilterRule.Any;
        var minor = device.Minor ?? DeviceFilterRule.Any;
        if (major < DeviceFilterRule.Any || major > uint.MaxValue)
        {
            throw new CgroupResourceException(jsonPath + ".major", $"{major} is not a device major number (0 to 4294967295, or -1 / absent for any)");
        }
        if (minor < DeviceFilterRule.Any || minor > uint.MaxValue)
        {
            throw new CgroupResourceException(jsonPath + ".minor", $"{minor} is not a device minor number (0 to 4294967295, or -1 / absent for any)");
        }
        // runc refuses an empty access: a rule that grants or denies nothing is a mistake.
        if (string.IsNullOrEmpty(device.Access))
        {
            throw new CgroupResourceException(jsonPath + ".access", "is empty; give the access letters the rule is about: r, w and/or m (\"rwm\" for all)");
        }
        var access = DeviceFilterRule.ParseAccess(device.Access)
            ?? throw new CgroupResourceException(jsonPath + ".access", $"{JsonPath.Quote(device.Access)} is not made of r (read), w (write) and m (mknod)");
        return new DeviceFilterRule(device.Allow, kind, major, minor, access);
    }
}
