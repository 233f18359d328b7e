using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// The traffic counters of a container's network devices, read by an rtnetlink dump inside its
/// network namespace (runc reads them from sysfs for the veths it made itself; hutch makes none, so
/// it asks the namespace). Loopback is left out.
/// </summary>
internal static class NetworkStats
{
    private const string Loopback = "lo";

    /// <summary>
    /// The devices in the network namespace <paramref name="netnsFd"/> refers to (a container's
    /// /proc/PID/ns/net); null when that is hutch's own namespace: a container without a network
    /// namespace of its own, whose devices are the host's, not the container's.
    /// </summary>
    public static List<NetworkInterfaceStats>? ReadOfContainer(SafeFd netnsFd)
    {
        using var own = NetworkNamespace.OpenCurrent();
        return NetworkNamespace.Inode(netnsFd) == NetworkNamespace.Inode(own) ? null : ReadIn(netnsFd);
    }

    /// <summary>The devices in the network namespace <paramref name="netnsFd"/> refers to.</summary>
    public static List<NetworkInterfaceStats> ReadIn(SafeFd netnsFd)
    {
        using var rtnl = RouteNetlink.OpenIn(netnsFd);
        return rtnl.ListLinkStatistics()
            .Where(link => link.Name != Loopback)
            .Select(link => new NetworkInterfaceStats
            {
                Name = link.Name,
                RxBytes = link.RxBytes,
                RxPackets = link.RxPackets,
                RxErrors = link.RxErrors,
                RxDropped = link.RxDropped,
                TxBytes = link.TxBytes,
                TxPackets = link.TxPackets,
                TxErrors = link.TxErrors,
                TxDropped = link.TxDropped,
            })
            .ToList();
    }
}
