using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>One message of a receive buffer: the nlmsghdr fields and the payload after it.</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(ushort type, NetlinkFlags flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Payload = payload;
    }

    public ushort Type { get; }
    public NetlinkFlags Flags { get; }
    public uint Sequence { get; }
    public uint PortId { get; }

    /// <summary>Everything after the 16-byte header, up to nlmsg_len.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The fixed family header at the start of the payload (ifinfomsg, ifaddrmsg, ...).</summary>
    public T ReadHeader<T>() where T : unmanaged
    {
        if (Payload.Length < Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException(
                $"netlink message type {Type}: payload of {Payload.Length} bytes is shorter than its {Unsafe.SizeOf<T>()}-byte header");
        }
        return MemoryMarshal.Read<T>(Payload);
    }

    /// <summary>The attributes after a fixed header of <paramref name="headerSize"/> bytes.</summary>
    public NetlinkAttributeReader Attributes(int headerSize)
    {
        var start = NetlinkConstants.Align(headerSize);
        return new NetlinkAttributeReader(start >= Payload.Length ? [] : Payload[start..]);
    }

    /// <summary>The attributes after the fixed header T.</summary>
    public NetlinkAttributeReader Attributes<T>() where T : unmanaged => Attributes(Unsafe.SizeOf<T>());
}
