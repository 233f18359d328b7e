using Hutch.Linux.Netlink;

namespace Hutch.Linux.Tests.Netlink;

public class NetlinkWriterTests
{
    [Fact]
    public void Empty_message_is_just_the_header_with_its_length()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(NetlinkMessageTypes.NLMSG_NOOP, NetlinkFlags.Request, sequence: 0x01020304, portId: 0x0a0b0c0d);
        var length = writer.EndMessage();

        Assert.Equal(16, length);
        Assert.Equal(Hex.Format(Hex.Bytes("10 00 00 00 | 01 00 | 01 00 | 04 03 02 01 | 0d 0c 0b 0a")), Hex.Format(writer.Written));
    }

    [Theory]
    [InlineData("", "05 00 03 00 00 00 00 00")]
    [InlineData("a", "06 00 03 00 61 00 00 00")]
    [InlineData("ab", "07 00 03 00 61 62 00 00")]
    [InlineData("abc", "08 00 03 00 61 62 63 00")]
    [InlineData("abcd", "09 00 03 00 61 62 63 64 00 00 00 00")]
    public void Strings_are_nul_terminated_and_padded_to_four_bytes(string value, string golden)
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkWriter(buffer);
        writer.PutString(3, value);
        Assert.Equal(Hex.Format(Hex.Bytes(golden)), Hex.Format(writer.Written));
        Assert.Equal(0, writer.Length % 4);
    }

    [Fact]
    public void Integers_are_host_order_with_padding()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkWriter(buffer);
        writer.PutU8(1, 0xAB);
        writer.PutU16(2, 0x1234);
        writer.PutU32(3, 0xDEADBEEF);
        writer.PutI32(4, -2);
        Assert.Equal(Hex.Format(Hex.Bytes(
            "05 00 01 00 ab 00 00 00 | 06 00 02 00 34 12 00 00 | 08 00 03 00 ef be ad de | 08 00 04 00 fe ff ff ff")),
            Hex.Format(writer.Written));
    }

    [Fact]
    public void Padding_is_zeroed_even_over_a_dirty_buffer()
    {
        var buffer = Enumerable.Repeat((byte)0xEE, 32).ToArray();
        var writer = new NetlinkWriter(buffer);
        writer.PutU8(1, 7);
        Assert.Equal("0500010007000000", Hex.Format(writer.Written));
    }

    [Fact]
    public void Nested_attributes_cover_their_children_and_carry_the_nested_flag()
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new NetlinkWriter(buffer);
        var outer = writer.BeginNested(LinkAttributes.IFLA_LINKINFO);
        writer.PutString(LinkAttributes.IFLA_INFO_KIND, "veth");
        var inner = writer.BeginNested(LinkAttributes.IFLA_INFO_DATA);
        writer.PutU32(1, 42);
        writer.EndNested(inner);
        writer.EndNested(outer);

        // outer: 4 + kind(4+5 -> 12) + inner(4 + 8) = 28 = 0x1c; type 18 | 0x8000
        Assert.Equal(Hex.Format(Hex.Bytes(
            "1c 00 12 80 | 09 00 01 00 76 65 74 68 00 00 00 00 | 0c 00 02 80 | 08 00 01 00 2a 00 00 00")),
            Hex.Format(writer.Written));
    }

    [Fact]
    public void A_message_that_does_not_fit_throws_instead_of_truncating()
    {
        var buffer = new byte[20];
        var thrown = Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new NetlinkWriter(buffer);
            writer.BeginMessage(RouteMessageTypes.RTM_GETLINK, NetlinkFlags.Request);
            writer.PutString(LinkAttributes.IFLA_IFNAME, "toolongforthebuffer");
        });
        Assert.Contains("20-byte buffer", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_messages_in_one_buffer_are_each_aligned_and_readable()
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RouteMessageTypes.RTM_GETLINK, NetlinkFlags.Request, sequence: 1);
        writer.PutU8(1, 1);
        writer.EndMessage();
        writer.BeginMessage(RouteMessageTypes.RTM_GETADDR, NetlinkFlags.Request, sequence: 2);
        writer.PutString(2, "x");
        writer.EndMessage();

        var sequences = new List<uint>();
        foreach (var message in new NetlinkMessageReader(writer.Written))
        {
            sequences.Add(message.Sequence);
            Assert.Equal(8, message.Payload.Length);
        }
        Assert.Equal([1u, 2u], sequences);
    }
}
