namespace Hutch.Linux.Netlink;

/// <summary>Protocol-level values from linux/netlink.h.</summary>
internal static class NetlinkConstants
{
    /// <summary>The rtnetlink protocol of an AF_NETLINK socket.</summary>
    public const int NETLINK_ROUTE = 0;

    /// <summary>Socket option level for netlink options.</summary>
    public const int SOL_NETLINK = 270;

    /// <summary>Do not echo the request payload in error messages (only its header).</summary>
    public const int NETLINK_CAP_ACK = 10;

    /// <summary>Let the kernel attach extended-ack TLVs (message text, offset) to errors.</summary>
    public const int NETLINK_EXT_ACK = 11;

    /// <summary>Validate request headers strictly and honour filters (e.g. ifa_index) in dumps.</summary>
    public const int NETLINK_GET_STRICT_CHK = 12;

    /// <summary>Everything netlink is 4-byte aligned (NLMSG_ALIGNTO, NLA_ALIGNTO).</summary>
    public const int Alignment = 4;

    /// <summary>sizeof(struct nlmsghdr).</summary>
    public const int MessageHeaderSize = 16;

    /// <summary>sizeof(struct nlattr).</summary>
    public const int AttributeHeaderSize = 4;

    /// <summary>nla_type bit: the payload is a nest of attributes.</summary>
    public const ushort NLA_F_NESTED = 0x8000;

    /// <summary>nla_type bit: the payload is in network byte order.</summary>
    public const ushort NLA_F_NET_BYTEORDER = 0x4000;

    /// <summary>The bits of nla_type that are the type proper.</summary>
    public const ushort NLA_TYPE_MASK = 0x3FFF;

    /// <summary>Extended-ack attributes (enum nlmsgerr_attrs) after an NLMSG_ERROR or NLMSG_DONE.</summary>
    public const ushort NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2, NLMSGERR_ATTR_COOKIE = 3,
        NLMSGERR_ATTR_POLICY = 4, NLMSGERR_ATTR_MISS_TYPE = 5, NLMSGERR_ATTR_MISS_NEST = 6;

    /// <summary>Rounds up to the next multiple of 4 (NLMSG_ALIGN / NLA_ALIGN).</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}
