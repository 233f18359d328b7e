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
        }
    }
}
