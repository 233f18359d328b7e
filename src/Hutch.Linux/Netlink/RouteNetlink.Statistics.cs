namespace Hutch.Linux.Netlink;

/// <summary>Device traffic counters (an RTM_GETLINK dump with IFLA_STATS64).</summary>
internal sealed partial class RouteNetlink
{
    /// <summary>The counters of every device of the namespace, loopback included.</summary>
    public IReadOnlyList<LinkStatistics> ListLinkStatistics()
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkStatisticsMessages.DumpAll(request);
        return Socket.Dump(request[..length], LinkStatisticsMessages.Parse, "list the counters of network devices");
    }
}
