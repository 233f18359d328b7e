using System.Net.NetworkInformation;
using System.Text;
using static Hutch.Linux.Netlink.LinkAttributes;
using static Hutch.Linux.Netlink.RouteMessageTypes;

namespace Hutch.Linux.Netlink;

/// <summary>
/// RTM_*LINK requests and the parser of RTM_NEWLINK replies. Each builder writes one
/// complete message into the buffer (sequence 0: the socket stamps its own) and returns its length.
/// </summary>
internal static class LinkMessages
{
    /// <summary>Enough for every request built here.</summary>
    public const int RequestBufferSize = 256;

    private const NetlinkFlags DoFlags = NetlinkFlags.Request | NetlinkFlags.Ack;

    /// <summary>RTM_GETLINK for one device by name (counters left out).</summary>
    public static int GetByName(Span<byte> buffer, string name)
    {
        CheckName(name, nameof(name));
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_GETLINK, DoFlags);
        writer.PutInterfaceInfo(default);
        writer.PutString(IFLA_IFNAME, name);
        writer.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        return writer.EndMessage();
    }

    /// <summary>RTM_GETLINK for one device by ifindex (counters left out).</summary>
    public static int GetByIndex(Span<byte> buffer, int index)
    {
        CheckIndex(index);
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_GETLINK, DoFlags);
        writer.PutInterfaceInfo(new InterfaceInfoMessage { Index = index });
        writer.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        return writer.EndMessage();
    }

    /// <summary>RTM_GETLINK dump of every device of the namespace (counters left out).</summary>
    public static int DumpAll(Span<byte> buffer)
    {
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_GETLINK, NetlinkFlags.Request | NetlinkFlags.Dump);
        writer.PutInterfaceInfo(default);
        writer.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        return writer.EndMessage();
    }

    /// <summary>RTM_SETLINK changing the flag bits in <paramref name="change"/> to their values in <paramref name="flags"/>.</summary>
    public static int SetFlags(Span<byte> buffer, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        CheckIndex(index);
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_SETLINK, DoFlags);
        writer.PutInterfaceInfo(new InterfaceInfoMessage { Index = index, Flags = flags & change, Change = change });
        return writer.EndMessage();
    }

    /// <summary>RTM_SETLINK giving the device a new name.</summary>
    public static int Rename(Span<byte> buffer, int index, string newName)
    {
        CheckIndex(index);
        CheckName(newName, nameof(newName));
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_SETLINK, DoFlags);
        writer.PutInterfaceInfo(new InterfaceInfoMessage { Index = index });
        writer.PutString(IFLA_IFNAME, newName);
        return writer.EndMessage();
    }

    /// <summary>
    /// RTM_SETLINK moving the device into the namespace of <paramref name="netnsFd"/>,
    /// renamed in the same step when <paramref name="newName"/> is given (a "name%d"
    /// template included), at ifindex <paramref name="newIndex"/> when it is not 0. The
    /// kernel checks the name in the target before it moves anything.
    /// </summary>
    public static int MoveToNamespace(Span<byte> buffer, int index, int netnsFd, string? newName, int newIndex = 0)
    {
        CheckIndex(index);
        if (newName != null)
        {
            CheckName(newName, nameof(newName));
        }
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RTM_SETLINK, DoFlags);
        writer.PutInterfaceInfo(new InterfaceInfoMessage { Index = index });
        writer.PutU32(IFLA_NET_NS_FD, (uint)netnsFd);
        if (newName != null)
        {
            writer.PutString(IFLA_IFNAME, newName);
        }
        if (newIndex != 0)
        {
            writer.PutI32(IFLA_NEW_IFINDEX, newIndex);
        }
        return writer.EndMessage();
    }

    /// <summary>Reads an RTM_NEWLINK; null for any other message type.</summary>
    public static LinkInfo? Parse(in NetlinkMessage message)
    {
        if (message.Type != RTM_NEWLINK)
        {
            return null;
        }
        var header = message.ReadHeader<InterfaceInfoMessage>();
        string? name = null, kind = null;
        uint mtu = 0;
        PhysicalAddress? address = null, permanent = null, broadcast = null;
        var state = OperationalState.Unknown;
        foreach (var attribute in message.Attributes<InterfaceInfoMessage>())
        {
            switch (attribute.Type)
            {
                case IFLA_IFNAME:
                    name = attribute.GetString();
                    break;
                case IFLA_MTU:
                    mtu = attribute.GetU32();
                    break;
                case IFLA_ADDRESS:
                    address = new PhysicalAddress(attribute.GetBytes());
                    break;
                case IFLA_PERM_ADDRESS:
                    permanent = new PhysicalAddress(attribute.GetBytes());
                    break;
                case IFLA_BROADCAST:
                    broadcast = new PhysicalAddress(attribute.GetBytes());
                    break;
                case IFLA_OPERSTATE:
                    state = (OperationalState)attribute.GetU8();
                    break;
                case IFLA_LINKINFO:
                    foreach (var info in attribute.Nested())
                    {
                        if (info.Type == IFLA_INFO_KIND)
                        {
                            kind = info.GetString();
                        }
                    }
                    break;
            }
        }
        if (name is null)
        {
            throw new InvalidDataException($"netlink: RTM_NEWLINK for ifindex {header.Index} has no IFLA_IFNAME");
        }
        return new LinkInfo(header.Index, name, header.Flags, mtu, address, permanent, broadcast, kind, state, header.Type);
    }

    /// <summary>
    /// Rejects what cannot be a device name. This matters: the kernel copies IFLA_IFNAME into
    /// a 16-byte buffer, so a longer name would silently look up (or rename to) its truncation.
    /// </summary>
    public static void CheckName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes == 0 || bytes > MaxNameLength || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"`{name}` is not a valid device name: it must be 1 to {MaxNameLength} bytes without NUL", parameter);
        }
    }

    private static void CheckIndex(int index)
    {
        if (index <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "an ifindex is a positive number");
        }
    }
}
