using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>
/// Iterates the messages of one received datagram: <c>foreach (var m in new NetlinkMessageReader(buffer))</c>.
/// A length that does not fit the buffer is an error (InvalidDataException), never skipped silently.
/// </summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _remaining;
    private NetlinkMessage _current;

    public NetlinkMessageReader(ReadOnlySpan<byte> buffer)
    {
        _remaining = buffer;
        _current = default;
    }

    public readonly NetlinkMessageReader GetEnumerator() => this;

    public readonly NetlinkMessage Current => _current;

    public bool MoveNext()
    {
        if (_remaining.IsEmpty)
        {
            return false;
        }
        if (_remaining.Length < NetlinkConstants.MessageHeaderSize)
        {
            throw new InvalidDataException($"netlink: {_remaining.Length} trailing bytes are too short for a message header");
        }
        var header = MemoryMarshal.Read<NetlinkMessageHeader>(_remaining);
        if (header.Length < NetlinkConstants.MessageHeaderSize || header.Length > _remaining.Length)
        {
            throw new InvalidDataException(
                $"netlink: message type {header.Type} claims {header.Length} bytes with {_remaining.Length} left in the buffer");
        }
        var length = (int)header.Length;
        _current = new NetlinkMessage(header.Type, header.Flags, header.Sequence, header.PortId,
            _remaining[NetlinkConstants.MessageHeaderSize..length]);
        _remaining = _remaining[Math.Min(NetlinkConstants.Align(length), _remaining.Length)..];
        return true;
    }
}
