using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Hutch.Linux.Netlink;

/// <summary>
/// Builds netlink messages in a caller-owned buffer (usually stackalloc). Every piece is
/// padded to 4 bytes with zeros, so the message length is always aligned. Values are in
/// host byte order, as netlink wants them. Usage:
/// BeginMessage, a fixed header (PutInterfaceInfo/PutAddressHeader), attributes
/// (BeginNested/EndNested around nests), EndMessage.
/// </summary>
internal ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private int _messageStart;

    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
        _messageStart = -1;
    }

    /// <summary>Bytes written so far (all messages ended or not).</summary>
    public readonly int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public readonly Span<byte> Written => _buffer[.._length];

    /// <summary>Starts a message; nlmsg_len is filled in by <see cref="EndMessage"/>.</summary>
    public void BeginMessage(ushort type, NetlinkFlags flags, uint sequence = 0, uint portId = 0)
    {
        if (_messageStart >= 0)
        {
            throw new InvalidOperationException("netlink writer: the previous message was not ended");
        }
        _messageStart = _length;
        PutStruct(new NetlinkMessageHeader { Length = 0, Type = type, Flags = flags, Sequence = sequence, PortId = portId });
    }

    /// <summary>Patches nlmsg_len and returns the message's length.</summary>
    public int EndMessage()
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("netlink writer: no message was begun");
        }
        var messageLength = _length - _messageStart;
        BitConverter.TryWriteBytes(_buffer.Slice(_messageStart, 4), (uint)messageLength);
        _messageStart = -1;
        return messageLength;
    }

    /// <summary>struct ifinfomsg, for RTM_*LINK.</summary>
    public void PutInterfaceInfo(in InterfaceInfoMessage header) => PutStruct(header);

    /// <summary>struct ifaddrmsg, for RTM_*ADDR.</summary>
    public void PutAddressHeader(in InterfaceAddressMessage header) => PutStruct(header);

    /// <summary>Any fixed-layout struct, padded to 4 bytes.</summary>
    public void PutStruct<T>(in T value) where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var target = Reserve(size);
        MemoryMarshal.Write(target, in value);
    }

    public void PutU8(ushort type, byte value) => BeginAttribute(type, 1)[0] = value;

    public void PutU16(ushort type, ushort value) => BitConverter.TryWriteBytes(BeginAttribute(type, 2), value);

    public void PutU32(ushort type, uint value) => BitConverter.TryWriteBytes(BeginAttribute(type, 4), value);

    public void PutI32(ushort type, int value) => BitConverter.TryWriteBytes(BeginAttribute(type, 4), value);

    /// <summary>A NUL-terminated UTF-8 string (NLA_NUL_STRING / NLA_STRING both accept it).</summary>
    public void PutString(ushort type, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var payload = BeginAttribute(type, length + 1);
        Encoding.UTF8.GetBytes(value, payload);
        payload[length] = 0;
    }

    /// <summary>An IPv4 (4 bytes) or IPv6 (16 bytes) address, network byte order as the kernel keeps it.</summary>
    public void PutAddress(ushort type, IPAddress address)
    {
        var length = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 16;
        if (!address.TryWriteBytes(BeginAttribute(type, length), out _))
        {
            throw new ArgumentException($"cannot encode address {address}", nameof(address));
        }
    }

    /// <summary>A struct as an attribute payload (e.g. struct ifa_cacheinfo).</summary>
    public void PutStructAttribute<T>(ushort type, in T value) where T : unmanaged
    {
        var payload = BeginAttribute(type, Unsafe.SizeOf<T>());
        MemoryMarshal.Write(payload, in value);
    }

    /// <summary>Raw bytes as an attribute payload.</summary>
    public void PutAttribute(ushort type, scoped ReadOnlySpan<byte> value) => value.CopyTo(BeginAttribute(type, value.Length));

    /// <summary>Starts a nest (type | NLA_F_NESTED); pass the result to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        BeginAttribute((ushort)(type | NetlinkConstants.NLA_F_NESTED), 0);
        return start;
    }

    /// <summary>Closes a nest: its nla_len covers every attribute put since BeginNested.</summary>
    public void EndNested(int start)
    {
        var nestLength = _length - start;
        if (nestLength > ushort.MaxValue)
        {
            throw new InvalidOperationException($"netlink writer: nested attribute of {nestLength} bytes exceeds 65535");
        }
        BitConverter.TryWriteBytes(_buffer.Slice(start, 2), (ushort)nestLength);
    }

    /// <summary>Writes the attribute header and returns its payload, zero padding already in place.</summary>
    private Span<byte> BeginAttribute(ushort type, int payloadLength)
    {
        var attributeLength = NetlinkConstants.AttributeHeaderSize + payloadLength;
        if (attributeLength > ushort.MaxValue)
        {
            throw new ArgumentException($"netlink attribute {type} of {payloadLength} bytes exceeds 65535");
        }
        var target = Reserve(attributeLength);
        BitConverter.TryWriteBytes(target, (ushort)attributeLength);
        BitConverter.TryWriteBytes(target[2..], type);
        return target.Slice(NetlinkConstants.AttributeHeaderSize, payloadLength);
    }

    /// <summary>Claims size bytes (plus alignment padding, zeroed) and returns the unpadded part.</summary>
    private Span<byte> Reserve(int size)
    {
        var padded = NetlinkConstants.Align(size);
        if (_length + padded > _buffer.Length)
        {
            throw new InvalidOperationException(
                $"netlink writer: message needs more than the {_buffer.Length}-byte buffer (at {_length}, adding {padded})");
        }
        var region = _buffer.Slice(_length, padded);
        region.Clear();
        _length += padded;
        return region[..size];
    }
}
