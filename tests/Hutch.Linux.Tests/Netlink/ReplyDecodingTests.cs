using System.Net;
using Hutch.Linux.Netlink;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>Replies laid out the way the kernel sends them, decoded.</summary>
public class ReplyDecodingTests
{
    [Fact]
    public void Rtm_newaddr_ipv4_with_everything()
    {
        var bytes = Hex.Bytes(
            "5c 00 00 00 | 14 00 | 02 00 | 2a 00 00 00 | 39 30 00 00" + // len 92, RTM_NEWADDR, MULTI, seq 42, pid 12345
            "| 02 18 80 00 | 05 00 00 00" + // AF_INET /24, ifa_flags permanent, universe, index 5
            "| 08 00 01 00 c6 12 00 01" + // IFA_ADDRESS
            "| 08 00 02 00 c6 12 00 01" + // IFA_LOCAL
            "| 08 00 04 00 c6 12 00 ff" + // IFA_BROADCAST
            "| 0e 00 03 00 " + Hex.Ascii("veth0:web") + " 00 00 00" + // IFA_LABEL
            "| 08 00 08 00 80 02 00 00" + // IFA_FLAGS permanent | noprefixroute
            "| 14 00 06 00 ff ff ff ff ff ff ff ff 10 00 00 00 20 00 00 00"); // IFA_CACHEINFO forever
        var seen = 0;
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            seen++;
            Assert.Equal(RouteMessageTypes.RTM_NEWADDR, message.Type);
            Assert.Equal(NetlinkFlags.Multi, message.Flags);
            Assert.Equal(42u, message.Sequence);
            Assert.Equal(12345u, message.PortId);
            var address = AddressMessages.Parse(message);
            Assert.Equal(new AddressInfo(5, LinuxAddressFamily.IPv4, 24, AddressFlags.Permanent | AddressFlags.NoPrefixRoute,
                AddressScope.Universe, IPAddress.Parse("198.18.0.1"), IPAddress.Parse("198.18.0.1"),
                IPAddress.Parse("198.18.0.255"), "veth0:web"), address);
            Assert.True(address!.IsPermanent);
            Assert.True(address.IsGlobalScope);
            Assert.True(address.HasInfiniteLifetimes);
            Assert.Null(address.Peer);
        }
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Rtm_newaddr_ipv6_without_ifa_flags_uses_the_header_byte()
    {
        var bytes = Hex.Bytes(
            "40 00 00 00 | 14 00 | 02 00 | 01 00 00 00 | 00 00 00 00" + // len 64
            "| 0a 40 c0 fd | 03 00 00 00" + // AF_INET6 /64, permanent|tentative, scope link, index 3
            "| 14 00 01 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01" +
            "| 14 00 06 00 58 02 00 00 08 07 00 00 00 00 00 00 00 00 00 00"); // preferred 600, valid 1800
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            var address = AddressMessages.Parse(message)!;
            Assert.Equal(AddressFlags.Permanent | AddressFlags.Tentative, address.Flags);
            Assert.Equal(AddressScope.Link, address.Scope);
            Assert.False(address.IsGlobalScope);
            Assert.Null(address.Local);
            Assert.Equal(IPAddress.Parse("fe80::1"), address.LocalAddress);
            Assert.Equal(600u, address.PreferredLifetime);
            Assert.Equal(1800u, address.ValidLifetime);
            Assert.False(address.HasInfiniteLifetimes);
        }
    }

    [Fact]
    public void Rtm_newlink_veth_with_linkinfo_nest()
    {
        var bytes = Hex.Bytes(
            "64 00 00 00 | 10 00 | 00 00 | 07 00 00 00 | 00 00 00 00" + // len 100, RTM_NEWLINK
            "| 00 00 | 01 00 | 09 00 00 00 | 43 10 01 00 | 00 00 00 00" + // ARPHRD_ETHER, index 9, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
            "| 0a 00 03 00 " + Hex.Ascii("veth1") + " 00 00 00" + // IFLA_IFNAME
            "| 08 00 04 00 dc 05 00 00" + // IFLA_MTU 1500
            "| 05 00 10 00 06 00 00 00" + // IFLA_OPERSTATE up
            "| 0a 00 01 00 02 42 ac 11 00 02 00 00" + // IFLA_ADDRESS
            "| 0a 00 02 00 ff ff ff ff ff ff 00 00" + // IFLA_BROADCAST
            "| 10 00 12 00 | 09 00 01 00 " + Hex.Ascii("veth") + " 00 00 00 00"); // IFLA_LINKINFO (no NLA_F_NESTED) { IFLA_INFO_KIND }
        LinkInfo? link = null;
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            link = LinkMessages.Parse(message);
        }
        Assert.NotNull(link);
        Assert.Equal(9, link.Index);
        Assert.Equal("veth1", link.Name);
        Assert.Equal(1500u, link.Mtu);
        Assert.True(link.IsUp);
        Assert.Equal(InterfaceFlags.Up | InterfaceFlags.Broadcast | InterfaceFlags.Running | InterfaceFlags.Multicast | InterfaceFlags.LowerUp,
            link.Flags);
        Assert.Equal(OperationalState.Up, link.OperationalState);
        Assert.Equal("02:42:ac:11:00:02", link.FormattedAddress);
        Assert.Equal("FFFFFFFFFFFF", link.Broadcast!.ToString());
        Assert.Null(link.PermanentAddress);
        Assert.Equal("veth", link.Kind);
        Assert.Equal((ushort)1, link.LinkType);
    }

    [Fact]
    public void Nested_attributes_with_the_nested_flag_are_read_the_same()
    {
        var bytes = Hex.Bytes("10 00 12 80 | 09 00 01 00 " + Hex.Ascii("ifb0") + " 00 00 00 00");
        foreach (var attribute in new NetlinkAttributeReader(bytes))
        {
            Assert.Equal(LinkAttributes.IFLA_LINKINFO, attribute.Type);
            Assert.True(attribute.HasNestedFlag);
            var nested = attribute.Nested();
            Assert.True(nested.TryFind(LinkAttributes.IFLA_INFO_KIND, out var kind));
            Assert.Equal("ifb0", kind.GetString());
        }
    }

    [Fact]
    public void Nlmsg_error_capped_with_extended_ack()
    {
        var text = "Invalid prefix length";
        var bytes = Hex.Bytes(
            "48 00 00 00 | 02 00 | 00 03 | 05 00 00 00 | 39 30 00 00" + // len 72, NLMSG_ERROR, CAPPED|ACK_TLVS
            "| ef ff ff ff" + // error -17
            "| 48 00 00 00 14 00 05 06 05 00 00 00 00 00 00 00" + // the request's header only
            "| 1a 00 01 00 " + Hex.Ascii(text) + " 00 00 00" + // NLMSGERR_ATTR_MSG, 4 + 22 = 26, padded 28
            "| 08 00 02 00 18 00 00 00"); // NLMSGERR_ATTR_OFFS 24
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            Assert.Equal(NetlinkMessageTypes.NLMSG_ERROR, message.Type);
            var ack = NetlinkAck.FromError(message);
            Assert.Equal(new NetlinkAck(17, text, 24u), ack);
        }
    }

    [Fact]
    public void Nlmsg_error_uncapped_skips_the_echoed_request()
    {
        var bytes = Hex.Bytes(
            "38 00 00 00 | 02 00 | 00 02 | 05 00 00 00 | 39 30 00 00" + // ACK_TLVS only: request echoed in full
            "| ed ff ff ff" + // error -19
            "| 18 00 00 00 12 00 05 00 05 00 00 00 00 00 00 00 | 08 00 03 00 6e 6f 00 00" + // 24-byte request
            "| 0c 00 01 00 " + Hex.Ascii("No dev") + " 00 00"); // 4 + 7 = 11, padded 12
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            Assert.Equal(new NetlinkAck(19, "No dev", null), NetlinkAck.FromError(message));
        }
    }

    [Fact]
    public void Success_ack_has_errno_zero_and_no_text()
    {
        var bytes = Hex.Bytes(
            "24 00 00 00 | 02 00 | 00 01 | 05 00 00 00 | 39 30 00 00 | 00 00 00 00" +
            "| 20 00 00 00 13 00 05 00 05 00 00 00 00 00 00 00");
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            Assert.Equal(new NetlinkAck(0, null, null), NetlinkAck.FromError(message));
        }
    }

    [Fact]
    public void Done_with_an_error_and_extended_ack()
    {
        var bytes = Hex.Bytes(
            "20 00 00 00 | 03 00 | 02 02 | 05 00 00 00 | 39 30 00 00" + // NLMSG_DONE, MULTI|ACK_TLVS
            "| ea ff ff ff" + // -22
            "| 09 00 01 00 " + Hex.Ascii("bad!") + " 00 00 00 00"); // 4 + 5 = 9, padded 12
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            Assert.Equal(new NetlinkAck(22, "bad!", null), NetlinkAck.FromDone(message));
        }
    }

    [Fact]
    public void Several_messages_in_one_datagram()
    {
        var bytes = Hex.Bytes(
            "14 00 00 00 | 10 00 | 02 00 | 01 00 00 00 | 00 00 00 00 | aa bb cc dd" +
            "| 14 00 00 00 | 03 00 | 02 00 | 01 00 00 00 | 00 00 00 00 | 00 00 00 00");
        var types = new List<ushort>();
        foreach (var message in new NetlinkMessageReader(bytes))
        {
            types.Add(message.Type);
        }
        Assert.Equal([RouteMessageTypes.RTM_NEWLINK, NetlinkMessageTypes.NLMSG_DONE], types);
    }

    [Theory]
    [InlineData("20 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00")] // claims 32 bytes, has 16
    [InlineData("08 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00")] // shorter than a header
    [InlineData("10 00 00 00 10 00")] // truncated header
    public void Malformed_message_lengths_throw(string hex)
    {
        var bytes = Hex.Bytes(hex);
        Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var message in new NetlinkMessageReader(bytes))
            {
                _ = message.Type;
            }
        });
    }

    [Theory]
    [InlineData("0c 00 01 00 00 00 00 00")] // claims 12, has 8
    [InlineData("02 00 01 00")] // shorter than its header
    public void Malformed_attribute_lengths_throw(string hex)
    {
        var bytes = Hex.Bytes(hex);
        Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var attribute in new NetlinkAttributeReader(bytes))
            {
                _ = attribute.Type;
            }
        });
    }

    [Fact]
    public void Short_payloads_are_refused_by_typed_getters()
    {
        var bytes = Hex.Bytes("06 00 04 00 dc 05 00 00");
        Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var attribute in new NetlinkAttributeReader(bytes))
            {
                _ = attribute.GetU32();
            }
        });
    }

    [Fact]
    public void Exception_message_names_operation_errno_kernel_text_and_hint()
    {
        var e = new NetlinkException("move device `veth1` (index 7) into network namespace as `eth0`", "veth1", 17,
            "Interface name already exists", "choose another name");
        Assert.Equal(
            "move device `veth1` (index 7) into network namespace as `eth0`: file exists (kernel: Interface name already exists): choose another name",
            e.Message);
        Assert.Equal(17, e.Errno);
        Assert.Equal("veth1", e.Device);
    }
}
