using System.Net;
using static Hutch.Linux.Netlink.AddressAttributes;
using static Hutch.Linux.Netlink.RouteMessageTypes;

namespace Hutch.Linux.Netlink;

/// <summary>
/// RTM_*ADDR requests and the parser of RTM_NEWADDR replies. Each builder writes one
/// complete message into the buffer (sequence 0: the socket stamps its own) and returns its length.
/// </summary>
internal static class AddressMessages
{
    /// <summary>Enough for every request built here.</summary>
    public const int RequestBufferSize = 256;

    /// <summary>
    /// RTM_GETADDR dump. ifa_index filters only when the socket has strict checking on; the
    /// caller filters the replies again (<see cref="Matches"/>) so the answer never depends on it.
    /// </summary>
    public static int Dump(Span<byte> buffer, LinuxAddressFamily family, int index)
    {
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_GETADDR, NetlinkFlags.Request | NetlinkFlags.Dump);
        writer.PutAddressHeader(new InterfaceAddressMessage { Family = family, Index = index });
        return writer.EndMessage();
    }

    /// <summary>
    /// RTM_NEWADDR (create, fail if it exists) re-creating <paramref name="address"/>: IFA_LOCAL
    /// and IFA_ADDRESS (equal unless a peer), broadcast and label (IPv4) when set, the settable
    /// flags in IFA_FLAGS and their low byte in ifa_flags, and IFA_CACHEINFO only for finite lifetimes.
    /// </summary>
    public static int Add(Span<byte> buffer, AddressInfo address) =>
        Write(buffer, RTM_NEWADDR, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, address);

    /// <summary>RTM_DELADDR for <paramref name="address"/> (matched by local address, prefix and peer).</summary>
    public static int Delete(Span<byte> buffer, AddressInfo address) =>
        Write(buffer, RTM_DELADDR, NetlinkFlags.Request | NetlinkFlags.Ack, address);

    /// <summary>Reads an RTM_NEWADDR; null for any other message type.</summary>
    public static AddressInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWADDR)
        {
            return null;
        }
        var header = message.ReadHeader<InterfaceAddressMessage>();
        var flags = (AddressFlags)header.Flags;
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        uint valid = InfiniteLifetime, preferred = InfiniteLifetime;
        foreach (var attribute in message.Attributes<InterfaceAddressMessage>())
        {
            switch (attribute.Type)
            {
                case IFA_LOCAL:
                    local = attribute.GetAddress();
                    break;
                case IFA_ADDRESS:
                    address = attribute.GetAddress();
                    break;
                case IFA_BROADCAST:
                    broadcast = attribute.GetAddress();
                    break;
                case IFA_LABEL:
                    label = attribute.GetString();
                    break;
                case IFA_FLAGS:
                    flags = (AddressFlags)attribute.GetU32();
                    break;
                case IFA_CACHEINFO:
                    var cache = attribute.GetStruct<AddressCacheInfo>();
                    valid = cache.ValidLifetime;
                    preferred = cache.PreferredLifetime;
                    break;
            }
        }
        return new AddressInfo(header.Index, header.Family, header.PrefixLength, flags, header.Scope,
            local, address, broadcast, label, valid, preferred);
    }

    /// <summary>The dump filter: index 0 and family Unspecified match everything.</summary>
    public static bool Matches(AddressInfo address, int index, LinuxAddressFamily family) =>
        (index == 0 || address.Index == index) && (family == LinuxAddressFamily.Unspecified || address.Family == family);

    private static int Write(Span<byte> buffer, ushort type, NetlinkFlags messageFlags, AddressInfo address)
    {
        var local = address.Local ?? address.Address
            ?? throw new ArgumentException($"address on ifindex {address.Index} has neither a local address nor an address", nameof(address));
        var prefixAddress = address.Address ?? local;
        CheckFamily(address, local);
        CheckFamily(address, prefixAddress);
        var flags = address.Flags & AddressFlags.Settable;
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(type, messageFlags);
        writer.PutAddressHeader(new InterfaceAddressMessage
        {
            Family = address.Family,
            PrefixLength = address.PrefixLength,
            Flags = (byte)((uint)flags & 0xFF),
            Scope = address.Scope,
            Index = address.Index,
        });
        writer.PutAddress(IFA_LOCAL, local);
        writer.PutAddress(IFA_ADDRESS, prefixAddress);
        if (address.Broadcast != null)
        {
            writer.PutAddress(IFA_BROADCAST, address.Broadcast);
        }
        if (address.Label != null && address.Family == LinuxAddressFamily.IPv4)
        {
            writer.PutString(IFA_LABEL, address.Label);
        }
        writer.PutU32(IFA_FLAGS, (uint)flags);
        if (type == RTM_NEWADDR && !address.HasInfiniteLifetimes)
        {
            writer.PutStructAttribute(IFA_CACHEINFO, new AddressCacheInfo
            {
                PreferredLifetime = address.PreferredLifetime,
                ValidLifetime = address.ValidLifetime,
            });
        }
        return writer.EndMessage();
    }

    private static void CheckFamily(AddressInfo info, IPAddress address)
    {
        var expected = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? LinuxAddressFamily.IPv4
            : LinuxAddressFamily.IPv6;
        if (info.Family != expected)
        {
            throw new ArgumentException($"address {address} does not belong to family {info.Family}", nameof(info));
        }
    }
}
