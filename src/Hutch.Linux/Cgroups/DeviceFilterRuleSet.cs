namespace Hutch.Linux.Cgroups;

/// <summary>
/// The effect of a list of device rules applied in order, computed the way the kernel's v1 devices
/// controller applies writes to devices.allow/devices.deny: a default (allow or deny everything) and
/// exceptions to it. An "a" rule resets the default and drops every exception; a rule of the other
/// verdict adds an exception (access letters merged); a rule of the default's verdict removes access
/// from the exception with the same kind, major and minor. The cgroup v2 eBPF filter is generated from
/// this result, so a config means the same on v1 and v2 (as runc's emulator makes sure).
/// </summary>
internal sealed class DeviceFilterRuleSet
{
    private readonly Dictionary<(DeviceKind Kind, long Major, long Minor), DeviceAccess> exceptions = [];

    /// <summary>Everything is allowed unless an exception denies it ("a" in devices.allow last); false: a whitelist.</summary>
    public bool DefaultAllow { get; private set; }

    /// <summary>Starts as the kernel's and runc's containers do: deny everything.</summary>
    public static DeviceFilterRuleSet Build(IEnumerable<DeviceFilterRule> rules)
    {
        var set = new DeviceFilterRuleSet();
        var index = 0;
        foreach (var rule in rules)
        {
            set.Apply(rule, index++);
        }
        return set;
    }

    /// <summary>The exceptions, each with the verdict opposite to the default, in a stable order (kind, major, minor).</summary>
    public IReadOnlyList<DeviceFilterRule> Exceptions =>
        [.. exceptions
            .OrderBy(e => e.Key.Kind).ThenBy(e => e.Key.Major).ThenBy(e => e.Key.Minor)
            .Select(e => new DeviceFilterRule(!DefaultAllow, e.Key.Kind, e.Key.Major, e.Key.Minor, e.Value))];

    private void Apply(DeviceFilterRule rule, int index)
    {
        if (rule.Kind == DeviceKind.All)
        {
            DefaultAllow = rule.Allow;
            exceptions.Clear();
            return;
        }
        var key = (rule.Kind, rule.Major, rule.Minor);
        if (rule.Allow != DefaultAllow)
        {
            exceptions[key] = exceptions.GetValueOrDefault(key) | rule.Access;
            return;
        }
        // Removing access that a wildcard exception grants (or denies) does nothing on v1: the kernel
        // only removes exact matches. Refuse it instead of silently keeping the wildcard's access.
        foreach (var wider in new[] { (rule.Kind, DeviceFilterRule.Any, rule.Minor), (rule.Kind, rule.Major, DeviceFilterRule.Any), (rule.Kind, DeviceFilterRule.Any, DeviceFilterRule.Any) })
        {
            if (wider != key && exceptions.TryGetValue(wider, out var widerAccess) && (widerAccess & rule.Access) != 0)
            {
                var widerRule = new DeviceFilterRule(!DefaultAllow, wider.Item1, wider.Item2, wider.Item3, widerAccess);
                throw new ArgumentException(
                    $"device rule {index} ({rule}) cannot take access away from the wider rule before it ({widerRule}): " +
                    "the devices cgroup only removes exact matches; list narrower rules only, or drop the wider one",
                    nameof(rule));
            }
        }
        if (exceptions.TryGetValue(key, out var access))
        {
            var left = access & ~rule.Access;
            if (left == DeviceAccess.None)
            {
                exceptions.Remove(key);
            }
            else
            {
                exceptions[key] = left;
            }
        }
    }

    /// <summary>The verdict for one access, as the kernel's v1 controller decides it (for tests and checks).</summary>
    public bool Allows(DeviceKind kind, long major, long minor, DeviceAccess access)
    {
        foreach (var (key, granted) in exceptions)
        {
            if (key.Kind != kind || (key.Major != DeviceFilterRule.Any && key.Major != major) ||
                (key.Minor != DeviceFilterRule.Any && key.Minor != minor))
            {
                continue;
            }
            // An allow exception must cover every requested bit; a deny exception hits on any bit.
            if (DefaultAllow ? (granted & access) != 0 : (access & ~granted) == 0)
            {
                return !DefaultAllow;
            }
        }
        return DefaultAllow;
    }
}
