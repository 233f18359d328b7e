using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Hutch.Linux.Netlink;

/// <summary>One attribute (struct nlattr and its payload). Getters check the payload's length.</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value)
    {
        RawType = rawType;
        Value = value;
    }

    /// <summary>nla_type as received, flag bits included.</summary>
    public ushort RawType { get; }

    /// <summary>The type without NLA_F_NESTED / NLA_F_NET_BYTEORDER.</summary>
    public ushort Type => (ushort)(RawType & NetlinkConstants.NLA_TYPE_MASK);

    /// <summary>NLA_F_NESTED is set (old attributes such as IFLA_LINKINFO are nests without it).</summary>
    public bool HasNestedFlag => (RawType & NetlinkConstants.NLA_F_NESTED) != 0;

    /// <summary>The payload, without the header and without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    public byte GetU8() => Need(1)[0];

    public ushort GetU16() => BitConverter.ToUInt16(Need(2));

    public uint GetU32() => BitConverter.ToUInt32(Need(4));

    public int GetI32() => BitConverter.ToInt32(Need(4));

    /// <summary>A u32 carried in network byte order (NLA_F_NET_BYTEORDER).</summary>
    public uint GetU32BigEndian() => BinaryPrimitives.ReadUInt32BigEndian(Need(4));

    /// <summary>A string up to its first NUL (or the whole payload when none).</summary>
    public string GetString()
    {
        var end = Value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Value : Value[..end]);
    }

    public byte[] GetBytes() => Value.ToArray();

    /// <summary>A 4-byte IPv4 or 16-byte IPv6 address.</summary>
    public IPAddress GetAddress() => Value.Length is 4 or 16
        ? new IPAddress(Value)
        : throw new InvalidDataException($"netlink attribute {Type}: {Value.Length} bytes is no IPv4 or IPv6 address");

    public T GetStruct<T>() where T : unmanaged => MemoryMarshal.Read<T>(Need(Unsafe.SizeOf<T>()));

    /// <summary>The attributes nested in this one.</summary>
    public NetlinkAttributeReader Nested() => new(Value);

    private ReadOnlySpan<byte> Need(int size) => Value.Length >= size
        ? Value
        : throw new InvalidDataException($"netlink attribute {Type}: payload of {Value.Length} bytes, expected {size}");
}
