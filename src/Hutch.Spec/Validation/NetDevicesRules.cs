namespace Hutch.Spec;

/// <summary>
/// linux.netDevices (config-linux.md, "Network Devices"; DESIGN.md section 5): everything about
/// the entries that can be known without looking at the system, checked before any device moves.
/// </summary>
/// <remarks>
/// Per entry: the key is an existing host device's name (<see cref="NetDeviceNames.CheckHostName"/>);
/// the name inside is <c>name</c>, or the key when <c>name</c> is absent
/// (<see cref="NetDeviceNames.CheckContainerName"/>, may be one "%d" template). Names are measured in
/// UTF-8 bytes, at most 15 (runc accepts 16, which the kernel then refuses half-way through).
/// Across entries: two fixed names that end up equal would collide inside the container (the
/// spec's "MUST generate an error"), so they are refused up front; two "%d" templates never
/// collide (the kernel numbers each). The devices need a network namespace of the container's
/// own (new or joined by path): without one they would "move" into the runtime's namespace.
/// </remarks>
internal static class NetDevicesRules
{
    private const string ListPath = "linux.netDevices";

    public static void Check(Dictionary<string, LinuxNetDevice>? netDevices, NamespaceSet namespaces, ValidationReport report)
    {
        if (netDevices is not { Count: > 0 })
        {
            return;
        }
        if (!namespaces.Has("network"))
        {
            report.Error(ListPath, "moves devices into the container's network namespace, but linux.namespaces has no " +
                                   "\"network\" entry; add {\"type\": \"network\"} for a new one or {\"type\": \"network\", " +
                                   "\"path\": \"/var/run/netns/NAME\"} to use an existing one");
        }

        // Final name inside the container -> the entry that claimed it first.
        var claimedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (hostName, device) in netDevices)
        {
            var entryPath = JsonPath.Key(ListPath, hostName);
            if (NetDeviceNames.CheckHostName(hostName) is { } badKey)
            {
                report.Error(entryPath, $"the host device name {JsonPath.Quote(hostName)} {badKey}");
            }

            var nameGiven = device?.Name != null;
            var containerName = device?.Name ?? hostName;
            var namePath = nameGiven ? entryPath + ".name" : entryPath;
            if (nameGiven && NetDeviceNames.CheckContainerName(containerName) is { } badName)
            {
                report.Error(namePath, $"{JsonPath.Quote(containerName)} {badName}");
                continue;
            }
            if (!nameGiven && NetDeviceNames.CheckHostName(hostName) != null)
            {
                continue; // already reported as a bad key, which is also the name inside
            }

            if (NetDeviceNames.IsTemplate(containerName))
            {
                continue; // the kernel gives every template its own number
            }
            if (claimedBy.TryGetValue(containerName, out var firstHost))
            {
                report.Error(namePath, $"the device would be named {JsonPath.Quote(containerName)} inside the container, like " +
                                       $"{JsonPath.Key(ListPath, firstHost)}; give each device a distinct \"name\" " +
                                       "(or a template such as \"eth%d\")");
            }
            else
            {
                claimedBy[containerName] = hostName;
            }
        }
    }
}
