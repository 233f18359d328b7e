namespace Hutch.Linux.Netlink;

/// <summary>
/// The outcome the kernel reports in NLMSG_ERROR (an ack when Errno is 0) or at the end
/// of a dump (NLMSG_DONE), with the extended-ack text when the kernel gave one.
/// </summary>
/// <param name="Errno">Positive errno; 0 means success.</param>
/// <param name="KernelMessage">NLMSGERR_ATTR_MSG, e.g. "Invalid prefix length", or null.</param>
/// <param name="ErrorOffset">NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request, or null.</param>
internal readonly record struct NetlinkAck(int Errno, string? KernelMessage, uint? ErrorOffset)
{
    /// <summary>Reads struct nlmsgerr (int error; struct nlmsghdr msg; [request payload]) and its TLVs.</summary>
    public static NetlinkAck FromError(NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4 + NetlinkConstants.MessageHeaderSize)
        {
            throw new InvalidDataException($"netlink: NLMSG_ERROR of {payload.Length} bytes is shorter than struct nlmsgerr");
        }
        var error = BitConverter.ToInt32(payload);
        // The request echoed back: only its header when capped (NETLINK_CAP_ACK, and always for
        // a success ack), else the whole request, whose nlmsg_len says how long it is.
        var echoedLength = (message.Flags & NetlinkFlags.Capped) != 0
            ? NetlinkConstants.MessageHeaderSize
            : (int)BitConverter.ToUInt32(payload[4..]);
        var tlvStart = 4 + NetlinkConstants.Align(echoedLength);
        return Read(-error, message.Flags, tlvStart <= payload.Length ? payload[tlvStart..] : []);
    }

    /// <summary>Reads the int error a dump ends with (NLMSG_DONE) and its TLVs.</summary>
    public static NetlinkAck FromDone(NetlinkMessage message)
    {
        var payload = message.Payload;
        var error = payload.Length >= 4 ? BitConverter.ToInt32(payload) : 0;
        return Read(-error, message.Flags, payload.Length > 4 ? payload[4..] : []);
    }

    private static NetlinkAck Read(int errno, NetlinkFlags flags, ReadOnlySpan<byte> tlvs)
    {
        string? text = null;
        uint? offset = null;
        if ((flags & NetlinkFlags.AckTlvs) != 0)
        {
            foreach (var attribute in new NetlinkAttributeReader(tlvs))
            {
                switch (attribute.Type)
                {
                    case NetlinkConstants.NLMSGERR_ATTR_MSG:
                        text = attribute.GetString();
                        break;
                    case NetlinkConstants.NLMSGERR_ATTR_OFFS:
                        offset = attribute.GetU32();
                        break;
                }
            }
        }
        return new NetlinkAck(errno, string.IsNullOrEmpty(text) ? null : text, offset);
    }
}
