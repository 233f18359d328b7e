using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Spec;

namespace Hutch.Runtime.NetDevices;

/// <summary>Prepare: every check before anything changes.</summary>
internal sealed partial class NetDeviceMover
{
    /// <summary>
    /// Opens rtnetlink in the runtime's network namespace (<paramref name="runtimeNetns"/>, or the
    /// calling thread's when null) and in <paramref name="targetNetns"/>, then checks everything
    /// that can be checked before a change: the names (NetDeviceNames, the rules config validation
    /// applies), each host device exists and is not loopback, the target is another namespace, each
    /// fixed name is free there and claimed once, each template has a free slot, each renamed
    /// address label fits. Records each device's state (index, MAC, MTU, up/down, every address).
    /// Every problem found is reported at once; nothing has changed when this throws.
    /// Order of the moves: fixed names first (so a template cannot take a name a later entry
    /// asked for), then templates; each group by host name, ordinal.
    /// </summary>
    /// <exception cref="NetDeviceException">a refusal (all problems in its message).</exception>
    public static NetDeviceMover Prepare(IReadOnlyDictionary<string, LinuxNetDevice> devices, SafeHandle targetNetns,
        SafeHandle? runtimeNetns = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(targetNetns);
        var problems = new List<NetDeviceException>();
        var requests = CheckNames(devices, problems);
        ThrowIfAny(problems);

        var ownsRuntimeNetns = runtimeNetns is null;
        runtimeNetns ??= NetworkNamespace.OpenCurrent();
        RouteNetlink? runtime = null, target = null;
        try
        {
            CheckDistinctNamespaces(runtimeNetns, targetNetns, requests[0].HostName);
            runtime = ownsRuntimeNetns ? RouteNetlink.Open() : RouteNetlink.OpenIn(runtimeNetns);
            target = OpenTarget(targetNetns, requests[0].HostName);
            var records = Inspect(requests, runtime, target, problems);
            ThrowIfAny(problems);
            return new NetDeviceMover(runtime, target, targetNetns, runtimeNetns, ownsRuntimeNetns, records);
        }
        catch
        {
            runtime?.Dispose();
            target?.Dispose();
            if (ownsRuntimeNetns)
            {
                runtimeNetns.Dispose();
            }
            throw;
        }
    }

    /// <summary>(host name, requested name) in move order; name problems reported.</summary>
    private static List<(string HostName, string RequestedName)> CheckNames(
        IReadOnlyDictionary<string, LinuxNetDevice> devices, List<NetDeviceException> problems)
    {
        if (devices.Count == 0)
        {
            throw new ArgumentException("no devices to move", nameof(devices));
        }
        var requests = new List<(string HostName, string RequestedName)>();
        var claimedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (hostName, device) in devices.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var requested = device?.Name ?? hostName;
            if (NetDeviceNames.CheckHostName(hostName) is { } badKey)
            {
                problems.Add(new NetDeviceException(hostName, $"the host device name {JsonPath.Quote(hostName)} {badKey}"));
                continue;
            }
            if (NetDeviceNames.CheckContainerName(requested) is { } badName)
            {
                problems.Add(new NetDeviceException(hostName, $"the name inside {JsonPath.Quote(requested)} {badName}"));
                continue;
            }
            if (!NetDeviceNames.IsTemplate(requested))
            {
                if (claimedBy.TryGetValue(requested, out var first))
                {
                    problems.Add(new NetDeviceException(hostName,
                        $"the device would be named `{requested}` inside the container, like {NetDeviceException.PathOf(first)}",
                        "give each device a distinct \"name\" (or a template such as \"eth%d\")"));
                    continue;
                }
                claimedBy[requested] = hostName;
            }
            requests.Add((hostName, requested));
        }
        // Fixed names first, then templates: a template never takes a name another entry asked for.
        return [.. requests.Where(r => !NetDeviceNames.IsTemplate(r.RequestedName)),
                .. requests.Where(r => NetDeviceNames.IsTemplate(r.RequestedName))];
    }

    private static List<HostDeviceRecord> Inspect(List<(string HostName, string RequestedName)> requests,
        RouteNetlink runtime, RouteNetlink target, List<NetDeviceException> problems)
    {
        var targetLinks = target.ListLinks();
        // Names the moved devices will take, for the templates that come after them.
        var taken = new HashSet<string>(targetLinks.Select(l => l.Name), StringComparer.Ordinal);
        foreach (var (_, requested) in requests.Where(r => !NetDeviceNames.IsTemplate(r.RequestedName)))
        {
            taken.Add(requested);
        }

        var records = new List<HostDeviceRecord>();
        foreach (var (hostName, requested) in requests)
        {
            var link = runtime.GetLink(hostName);
            if (link is null)
            {
                problems.Add(new NetDeviceException(hostName,
                    $"device {hostName} does not exist in the runtime's network namespace", MissingHint(hostName, target)));
                continue;
            }
            if ((link.Flags & InterfaceFlags.Loopback) != 0)
            {
                problems.Add(new NetDeviceException(hostName, $"device {hostName} is a loopback device, which cannot leave its network namespace",
                    "remove it from linux.netDevices: every network namespace has its own `lo`"));
                continue;
            }

            string expected;
            if (NetDeviceNames.IsTemplate(requested))
            {
                if (TemplateNames.Resolve(requested, taken) is not { } resolved)
                {
                    problems.Add(new NetDeviceException(hostName,
                        $"the template `{requested}` has no free name left in the container's network namespace",
                        "use a shorter template or a fixed name"));
                    continue;
                }
                expected = resolved;
                taken.Add(resolved);
            }
            else
            {
                // By name, not from the dump: the kernel also matches alternative names (ip link property add altname).
                if (target.GetLink(requested) is { } existing)
                {
                    problems.Add(new NetDeviceException(hostName,
                        $"a device named `{requested}` (index {existing.Index.ToString(CultureInfo.InvariantCulture)}) already exists in the container's network namespace",
                        requested == hostName
                            ? "give the device another name inside with \"name\" (or a template such as \"eth%d\")"
                            : "choose another \"name\" (or a template such as \"eth%d\")"));
                    continue;
                }
                expected = requested;
            }

            var addresses = runtime.ListAddresses(link.Index);
            var record = new HostDeviceRecord(hostName, requested, expected, link, addresses);
            foreach (var address in record.CarriedAddresses)
            {
                if (AddressRules.Retarget(address, 1, hostName, expected, out var label) is null)
                {
                    problems.Add(new NetDeviceException(hostName,
                        $"address {address} has the label `{address.Label}`, which would become `{label}` inside: longer than {NetDeviceNames.MaxNameBytes} bytes",
                        "shorten the label's suffix or the name inside"));
                }
            }
            records.Add(record);
        }
        return records;
    }

    private static string MissingHint(string hostName, RouteNetlink target)
    {
        if (target.GetLink(hostName) is { } inside)
        {
            return $"a device of that name (index {inside.Index.ToString(CultureInfo.InvariantCulture)}) is already in the container's " +
                   "network namespace (left there by an earlier container?); remove the entry or move the device back first";
        }
        return "create it before the container (`ip link show` lists the runtime's devices), or correct the key";
    }

    private static void CheckDistinctNamespaces(SafeHandle runtimeNetns, SafeHandle targetNetns, string anyHostName)
    {
        if (InodeOf(runtimeNetns) == InodeOf(targetNetns))
        {
            throw new NetDeviceException(anyHostName,
                "the container's network namespace is the runtime's own: the devices would not move anywhere",
                "give the container a network namespace of its own (linux.namespaces: {\"type\": \"network\"}, with or without \"path\")");
        }
    }

    private static RouteNetlink OpenTarget(SafeHandle targetNetns, string anyHostName)
    {
        try
        {
            return RouteNetlink.OpenIn(targetNetns);
        }
        catch (NetworkNamespaceException e)
        {
            throw new NetDeviceException(anyHostName, "cannot enter the container's network namespace", "is it a network namespace file?",
                e.Errno, null, e);
        }
    }

    private static ulong InodeOf(SafeHandle netns)
    {
        var added = false;
        netns.DangerousAddRef(ref added);
        try
        {
            using var borrowed = new SafeFd((int)netns.DangerousGetHandle(), ownsHandle: false);
            return NetworkNamespace.Inode(borrowed);
        }
        finally
        {
            if (added)
            {
                netns.DangerousRelease();
            }
        }
    }

    private static void ThrowIfAny(List<NetDeviceException> problems)
    {
        switch (problems.Count)
        {
            case 0:
                return;
            case 1:
                throw problems[0];
            default:
                throw new NetDeviceException(
                    $"linux.netDevices: {problems.Count.ToString(CultureInfo.InvariantCulture)} problems, nothing was moved", problems);
        }
    }
}
