using static Hutch.Linux.Netlink.LinkAttributes;
using static Hutch.Linux.Netlink.RouteMessageTypes;

namespace Hutch.Linux.Netlink;

/// <summary>
/// The RTM_GETLINK dump that keeps the counters in (no RTEXT_FILTER_SKIP_STATS), and the parser of
/// the IFLA_STATS64 / IFLA_STATS attributes of its RTM_NEWLINK replies.
/// </summary>
internal static class LinkStatisticsMessages
{
    /// <summary>IFLA_STATS (linux/if_link.h): struct rtnl_link_stats, the same fields as 32-bit counters.</summary>
    public const ushort IFLA_STATS = 7;

    // The first eight fields of both structs, in their order: rx_packets, tx_packets, rx_bytes,
    // tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped.
    private const int CountersRead = 8;

    /// <summary>RTM_GETLINK dump of every device of the namespace, counters included.</summary>
    public static int DumpAll(Span<byte> buffer)
    {
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_GETLINK, NetlinkFlags.Request | NetlinkFlags.Dump);
        writer.PutInterfaceInfo(default);
        return writer.EndMessage();
    }

    /// <summary>Reads an RTM_NEWLINK's name and counters; null for any other message type.</summary>
    public static LinkStatistics? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWLINK)
        {
            return null;
        }
        var header = message.ReadHeader<InterfaceInfoMessage>();
        string? name = null;
        Span<ulong> counters = stackalloc ulong[CountersRead];
        var have64 = false;
        foreach (var attribute in message.Attributes<InterfaceInfoMessage>())
        {
            switch (attribute.Type)
            {
                case IFLA_IFNAME:
                    name = attribute.GetString();
                    break;
                case IFLA_STATS64 when attribute.Value.Length >= CountersRead * sizeof(ulong):
                    ReadCounters(attribute.Value, sizeof(ulong), counters);
                    have64 = true;
                    break;
                case IFLA_STATS when !have64 && attribute.Value.Length >= CountersRead * sizeof(uint):
                    ReadCounters(attribute.Value, sizeof(uint), counters);
                    break;
            }
        }
        if (name is null)
        {
            throw new InvalidDataException($"netlink: RTM_NEWLINK for ifindex {header.Index} has no IFLA_IFNAME");
        }
        return new LinkStatistics(header.Index, name,
            RxBytes: counters[2], RxPackets: counters[0], RxErrors: counters[4], RxDropped: counters[6],
            TxBytes: counters[3], TxPackets: counters[1], TxErrors: counters[5], TxDropped: counters[7]);
    }

    // Netlink is in host byte order.
    private static void ReadCounters(ReadOnlySpan<byte> value, int width, Span<ulong> counters)
    {
        for (var i = 0; i < counters.Length; i++)
        {
            var field = value.Slice(i * width, width);
            counters[i] = width == sizeof(ulong)
                ? BitConverter.ToUInt64(field)
                : BitConverter.ToUInt32(field);
        }
    }
}
