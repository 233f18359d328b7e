using System.Net;
using Hutch.Linux.Netlink;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>
/// Requests compared with bytes derived by hand from the uapi layouts: nlmsghdr (u32 len,
/// u16 type, u16 flags, u32 seq, u32 pid), ifinfomsg (u8 family, u8 pad, u16 type, i32 index,
/// u32 flags, u32 change), ifaddrmsg (u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index),
/// nlattr (u16 len incl. header, u16 type), little-endian host order.
/// </summary>
public class RequestGoldenTests
{
    private const string ZeroIfinfomsg = "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00";

    [Fact]
    public void Get_link_by_name()
    {
        var bytes = Build(b => LinkMessages.GetByName(b, "veth1"));
        var golden = Hex.Bytes(
            "34 00 00 00 | 12 00 | 05 00 | 00 00 00 00 | 00 00 00 00" + // len 52, RTM_GETLINK, REQUEST|ACK
            "|" + ZeroIfinfomsg +
            "| 0a 00 03 00 " + Hex.Ascii("veth1") + " 00 00 00" + // IFLA_IFNAME "veth1\0" + 2 pad
            "| 08 00 1d 00 08 00 00 00"); // IFLA_EXT_MASK RTEXT_FILTER_SKIP_STATS
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Get_link_by_index()
    {
        var bytes = Build(b => LinkMessages.GetByIndex(b, 0x0102));
        var golden = Hex.Bytes(
            "28 00 00 00 | 12 00 | 05 00 | 00 00 00 00 | 00 00 00 00" +
            "| 00 00 00 00 02 01 00 00 00 00 00 00 00 00 00 00" + // ifi_index 0x102
            "| 08 00 1d 00 08 00 00 00");
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Dump_links()
    {
        var bytes = Build(LinkMessages.DumpAll);
        var golden = Hex.Bytes(
            "28 00 00 00 | 12 00 | 01 03 | 00 00 00 00 | 00 00 00 00" + // REQUEST|DUMP (0x301)
            "|" + ZeroIfinfomsg +
            "| 08 00 1d 00 08 00 00 00");
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Set_link_up_and_down()
    {
        var up = Build(b => LinkMessages.SetFlags(b, 7, InterfaceFlags.Up, InterfaceFlags.Up));
        var down = Build(b => LinkMessages.SetFlags(b, 7, InterfaceFlags.None, InterfaceFlags.Up));
        Assert.Equal(Hex.Format(Hex.Bytes(
            "20 00 00 00 | 13 00 | 05 00 | 00 00 00 00 | 00 00 00 00" + // RTM_SETLINK
            "| 00 00 00 00 | 07 00 00 00 | 01 00 00 00 | 01 00 00 00")), Hex.Format(up));
        Assert.Equal(Hex.Format(Hex.Bytes(
            "20 00 00 00 | 13 00 | 05 00 | 00 00 00 00 | 00 00 00 00" +
            "| 00 00 00 00 | 07 00 00 00 | 00 00 00 00 | 01 00 00 00")), Hex.Format(down));
    }

    [Fact]
    public void Move_link_into_namespace_with_new_name()
    {
        var bytes = Build(b => LinkMessages.MoveToNamespace(b, 7, 9, "eth0"));
        var golden = Hex.Bytes(
            "34 00 00 00 | 13 00 | 05 00 | 00 00 00 00 | 00 00 00 00" + // len 52, RTM_SETLINK
            "| 00 00 00 00 | 07 00 00 00 | 00 00 00 00 | 00 00 00 00" + // ifi_index 7
            "| 08 00 1c 00 09 00 00 00" + // IFLA_NET_NS_FD 9
            "| 09 00 03 00 " + Hex.Ascii("eth0") + " 00 00 00 00"); // IFLA_IFNAME "eth0\0" + 3 pad
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Move_link_keeping_name_at_a_pinned_index()
    {
        var bytes = Build(b => LinkMessages.MoveToNamespace(b, 7, 9, newName: null, newIndex: 7));
        var golden = Hex.Bytes(
            "30 00 00 00 | 13 00 | 05 00 | 00 00 00 00 | 00 00 00 00" +
            "| 00 00 00 00 | 07 00 00 00 | 00 00 00 00 | 00 00 00 00" +
            "| 08 00 1c 00 09 00 00 00" +
            "| 08 00 31 00 07 00 00 00"); // IFLA_NEW_IFINDEX (49) 7
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Rename_link()
    {
        var bytes = Build(b => LinkMessages.Rename(b, 3, "ctr_eth0"));
        var golden = Hex.Bytes(
            "30 00 00 00 | 13 00 | 05 00 | 00 00 00 00 | 00 00 00 00" + // len 48
            "| 00 00 00 00 | 03 00 00 00 | 00 00 00 00 | 00 00 00 00" +
            "| 0d 00 03 00 " + Hex.Ascii("ctr_eth0") + " 00 00 00 00"); // 4 + 9 = 13, padded to 16
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sixteen-bytes-xx")]
    [InlineData("nul\0inside")]
    public void Names_the_kernel_would_truncate_or_reject_are_refused(string name)
    {
        var buffer = new byte[LinkMessages.RequestBufferSize];
        Assert.Throws<ArgumentException>(() => LinkMessages.GetByName(buffer, name));
        Assert.Throws<ArgumentException>(() => LinkMessages.Rename(buffer, 1, name));
        Assert.Throws<ArgumentException>(() => LinkMessages.MoveToNamespace(buffer, 1, 3, name));
    }

    [Fact]
    public void Add_ipv4_address_with_broadcast_label_and_flags()
    {
        var address = new AddressInfo(5, LinuxAddressFamily.IPv4, 24,
            AddressFlags.NoPrefixRoute | AddressFlags.Permanent | AddressFlags.Secondary, AddressScope.Universe,
            IPAddress.Parse("198.18.0.1"), IPAddress.Parse("198.18.0.1"), IPAddress.Parse("198.18.0.255"), "veth0:web");
        var bytes = Build(b => AddressMessages.Add(b, address));
        var golden = Hex.Bytes(
            "48 00 00 00 | 14 00 | 05 06 | 00 00 00 00 | 00 00 00 00" + // len 72, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            "| 02 18 00 00 | 05 00 00 00" + // AF_INET, /24, ifa_flags low byte of 0x200 = 0, scope universe, index 5
            "| 08 00 02 00 c6 12 00 01" + // IFA_LOCAL 198.18.0.1
            "| 08 00 01 00 c6 12 00 01" + // IFA_ADDRESS 198.18.0.1
            "| 08 00 04 00 c6 12 00 ff" + // IFA_BROADCAST 198.18.0.255
            "| 0e 00 03 00 " + Hex.Ascii("veth0:web") + " 00 00 00" + // IFA_LABEL, 4 + 10 = 14, padded 16
            "| 08 00 08 00 00 02 00 00"); // IFA_FLAGS: noprefixroute only (permanent, secondary are kernel state)
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Add_ipv4_peer_address()
    {
        var address = new AddressInfo(5, LinuxAddressFamily.IPv4, 32, AddressFlags.None, AddressScope.Universe,
            IPAddress.Parse("198.18.5.1"), IPAddress.Parse("198.18.5.2"));
        var bytes = Build(b => AddressMessages.Add(b, address));
        var golden = Hex.Bytes(
            "30 00 00 00 | 14 00 | 05 06 | 00 00 00 00 | 00 00 00 00" +
            "| 02 20 00 00 | 05 00 00 00" +
            "| 08 00 02 00 c6 12 05 01" + // IFA_LOCAL: this end
            "| 08 00 01 00 c6 12 05 02" + // IFA_ADDRESS: the peer
            "| 08 00 08 00 00 00 00 00");
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
        Assert.Equal("198.18.5.1 peer 198.18.5.2/32", address.ToString());
    }

    [Fact]
    public void Add_ipv6_address_nodad()
    {
        var address = new AddressInfo(5, LinuxAddressFamily.IPv6, 64, AddressFlags.NoDad | AddressFlags.Permanent,
            AddressScope.Universe, null, IPAddress.Parse("2001:db8::1"));
        var bytes = Build(b => AddressMessages.Add(b, address));
        const string v6 = "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01";
        var golden = Hex.Bytes(
            "48 00 00 00 | 14 00 | 05 06 | 00 00 00 00 | 00 00 00 00" + // len 72
            "| 0a 40 02 00 | 05 00 00 00" + // AF_INET6, /64, IFA_F_NODAD, universe, index 5
            "| 14 00 02 00 " + v6 + // IFA_LOCAL (the address itself: no peer)
            "| 14 00 01 00 " + v6 + // IFA_ADDRESS
            "| 08 00 08 00 02 00 00 00"); // IFA_FLAGS nodad
        Assert.Equal(Hex.Format(golden), Hex.Format(bytes));
    }

    [Fact]
    public void Cacheinfo_only_for_finite_lifetimes_preferred_first()
    {
        var address = new AddressInfo(2, LinuxAddressFamily.IPv6, 64, AddressFlags.None, AddressScope.Universe,
            null, IPAddress.Parse("2001:db8::2"), ValidLifetime: 0x300, PreferredLifetime: 0x100);
        var bytes = Build(b => AddressMessages.Add(b, address));
        Assert.Equal(0x5c, bytes.Length);
        Assert.Equal(Hex.Format(Hex.Bytes("14 00 06 00 | 00 01 00 00 | 00 03 00 00 | 00 00 00 00 | 00 00 00 00")),
            Hex.Format(bytes.AsSpan(bytes.Length - 20)));
    }

    [Fact]
    public void Ipv6_labels_are_not_sent()
    {
        var address = new AddressInfo(2, LinuxAddressFamily.IPv6, 64, AddressFlags.None, AddressScope.Universe,
            null, IPAddress.Parse("2001:db8::2"), Label: "eth0");
        var bytes = Build(b => AddressMessages.Add(b, address));
        Assert.Equal(0x48, bytes.Length);
    }

    [Fact]
    public void Dump_addresses_of_one_device_and_family()
    {
        var bytes = Build(b => AddressMessages.Dump(b, LinuxAddressFamily.IPv6, 4));
        Assert.Equal(Hex.Format(Hex.Bytes(
            "18 00 00 00 | 16 00 | 01 03 | 00 00 00 00 | 00 00 00 00 | 0a 00 00 00 | 04 00 00 00")),
            Hex.Format(bytes));
    }

    [Fact]
    public void Family_must_match_the_addresses()
    {
        var address = new AddressInfo(2, LinuxAddressFamily.IPv4, 64, AddressFlags.None, AddressScope.Universe,
            null, IPAddress.Parse("2001:db8::2"));
        Assert.Throws<ArgumentException>(() => Build(b => AddressMessages.Add(b, address)));
    }

    private delegate int Builder(Span<byte> buffer);

    private static byte[] Build(Builder build)
    {
        var buffer = new byte[512];
        var length = build(buffer);
        Assert.Equal(0, length % 4);
        Assert.Equal((uint)length, BitConverter.ToUInt32(buffer));
        return buffer[..length];
    }
}
