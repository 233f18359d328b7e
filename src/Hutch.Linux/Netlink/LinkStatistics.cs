namespace Hutch.Linux.Netlink;

/// <summary>
/// The traffic counters of one network device (struct rtnl_link_stats64 in IFLA_STATS64, or the
/// 32-bit IFLA_STATS when a kernel sends only that), as the device's own namespace counts them:
/// Rx is what the device received.
/// </summary>
internal sealed record LinkStatistics(
    int Index,
    string Name,
    ulong RxBytes,
    ulong RxPackets,
    ulong RxErrors,
    ulong RxDropped,
    ulong TxBytes,
    ulong TxPackets,
    ulong TxErrors,
    ulong TxDropped);
