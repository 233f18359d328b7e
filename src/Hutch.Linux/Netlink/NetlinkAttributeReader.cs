namespace Hutch.Linux.Netlink;

/// <summary>
/// Iterates a run of attributes: <c>foreach (var a in message.Attributes&lt;InterfaceInfoMessage&gt;())</c>;
/// nests are read with <see cref="NetlinkAttribute.Nested"/>.
/// </summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;
    private NetlinkAttribute _current;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _remaining = attributes;
        _current = default;
    }

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public readonly NetlinkAttribute Current => _current;

    public bool MoveNext()
    {
        if (_remaining.IsEmpty)
        {
            return false;
        }
        if (_remaining.Length < NetlinkConstants.AttributeHeaderSize)
        {
            throw new InvalidDataException($"netlink: {_remaining.Length} trailing bytes are too short for an attribute header");
        }
        var length = BitConverter.ToUInt16(_remaining);
        var rawType = BitConverter.ToUInt16(_remaining[2..]);
        if (length < NetlinkConstants.AttributeHeaderSize || length > _remaining.Length)
        {
            throw new InvalidDataException(
                $"netlink: attribute type {rawType & NetlinkConstants.NLA_TYPE_MASK} claims {length} bytes with {_remaining.Length} left");
        }
        _current = new NetlinkAttribute(rawType, _remaining[NetlinkConstants.AttributeHeaderSize..length]);
        _remaining = _remaining[Math.Min(NetlinkConstants.Align(length), _remaining.Length)..];
        return true;
    }

    /// <summary>Finds the first attribute of a type in the rest of this run.</summary>
    public bool TryFind(ushort type, out NetlinkAttribute attribute)
    {
        foreach (var candidate in this)
        {
            if (candidate.Type == type)
            {
                attribute = candidate;
                return true;
            }
        }
        attribute = default;
        return false;
    }
}
