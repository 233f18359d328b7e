using Hutch.Linux.Netlink;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>RTM_NEWLINK replies with counters, laid out as the kernel sends them, decoded.</summary>
public class LinkStatisticsParseTests
{
    [Fact]
    public void Stats64_fields_in_their_order()
    {
        // rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped, ...
        var bytes = NewLink(7, "veth0", (LinkAttributes.IFLA_STATS64, Counters64(24, 1, 2, 3, 4, 5, 6, 7, 8)));

        var link = Parse(bytes);

        Assert.Equal(new LinkStatistics(7, "veth0", RxBytes: 3, RxPackets: 1, RxErrors: 5, RxDropped: 7,
            TxBytes: 4, TxPackets: 2, TxErrors: 6, TxDropped: 8), link);
    }

    [Fact]
    public void Stats64_wins_over_the_32_bit_stats_whatever_their_order()
    {
        var stats32 = new byte[23 * 4];
        BitConverter.TryWriteBytes(stats32.AsSpan(8), 99u); // rx_bytes
        var bytes = NewLink(3, "eth0",
            (LinkAttributes.IFLA_STATS64, Counters64(24, 0, 0, 5_000_000_000, 0, 0, 0, 0, 0)),
            (LinkStatisticsMessages.IFLA_STATS, stats32));

        Assert.Equal(5_000_000_000UL, Parse(bytes).RxBytes);
    }

    [Fact]
    public void Only_32_bit_stats_are_read_too()
    {
        var stats32 = new byte[23 * 4];
        BitConverter.TryWriteBytes(stats32.AsSpan(12), 77u); // tx_bytes
        var link = Parse(NewLink(3, "eth0", (LinkStatisticsMessages.IFLA_STATS, stats32)));

        Assert.Equal(77UL, link.TxBytes);
    }

    [Fact]
    public void Dump_request_keeps_counters_in()
    {
        var buffer = new byte[64];
        var length = LinkStatisticsMessages.DumpAll(buffer);

        // nlmsghdr (16) + ifinfomsg (16), no IFLA_EXT_MASK attribute that would skip the stats.
        Assert.Equal(32, length);
        Assert.Equal(RouteMessageTypes.RTM_GETLINK, BitConverter.ToUInt16(buffer, 4));
        Assert.Equal((ushort)(NetlinkFlags.Request | NetlinkFlags.Dump), BitConverter.ToUInt16(buffer, 6));
    }

    private static LinkStatistics Parse(byte[] bytes)
    {
        LinkStatistics? found = null;
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            found = LinkStatisticsMessages.Parse(message);
        }
        return found ?? throw new InvalidOperationException("no RTM_NEWLINK");
    }

    private static byte[] Counters64(int fields, params ulong[] first)
    {
        var value = new byte[fields * 8];
        for (var i = 0; i < first.Length; i++)
        {
            BitConverter.TryWriteBytes(value.AsSpan(i * 8), first[i]);
        }
        return value;
    }

    private static byte[] NewLink(int index, string name, params (ushort Type, byte[] Value)[] attributes)
    {
        var body = new List<byte>();
        body.AddRange(new byte[] { 0, 0, 1, 0 }); // family, pad, ARPHRD_ETHER
        body.AddRange(BitConverter.GetBytes(index));
        body.AddRange(new byte[8]); // flags, change
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        foreach (var (type, value) in attributes.Prepend((LinkAttributes.IFLA_IFNAME, nameBytes)))
        {
            body.AddRange(BitConverter.GetBytes((ushort)(4 + value.Length)));
            body.AddRange(BitConverter.GetBytes(type));
            body.AddRange(value);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }
        var message = new List<byte>();
        message.AddRange(BitConverter.GetBytes(16 + body.Count));
        message.AddRange(BitConverter.GetBytes(RouteMessageTypes.RTM_NEWLINK));
        message.AddRange(BitConverter.GetBytes((ushort)NetlinkFlags.Multi));
        message.AddRange(BitConverter.GetBytes(1u));
        message.AddRange(BitConverter.GetBytes(0u));
        message.AddRange(body);
        return message.ToArray();
    }
}
