namespace Hutch.Linux.Netlink;

/// <summary>Link attributes (IFLA_*, linux/if_link.h) after a struct ifinfomsg.</summary>
internal static class LinkAttributes
{
    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_BROADCAST = 2;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_TXQLEN = 13;
    public const ushort IFLA_OPERSTATE = 16;
    public const ushort IFLA_LINKMODE = 17;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_NET_NS_PID = 19;
    public const ushort IFLA_IFALIAS = 20;
    public const ushort IFLA_STATS64 = 23;
    public const ushort IFLA_AF_SPEC = 26;
    public const ushort IFLA_GROUP = 27;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_EXT_MASK = 29;
    public const ushort IFLA_LINK_NETNSID = 37;
    public const ushort IFLA_NEW_IFINDEX = 49;
    public const ushort IFLA_ALT_IFNAME = 53;
    public const ushort IFLA_PERM_ADDRESS = 54;

    /// <summary>Nested inside IFLA_LINKINFO (IFLA_INFO_*).</summary>
    public const ushort IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, IFLA_INFO_XSTATS = 3,
        IFLA_INFO_SLAVE_KIND = 4, IFLA_INFO_SLAVE_DATA = 5;

    /// <summary>IFLA_EXT_MASK bit (RTEXT_FILTER_SKIP_STATS, linux/rtnetlink.h): leave counters out of replies.</summary>
    public const uint RTEXT_FILTER_SKIP_STATS = 1 << 3;

    /// <summary>IFNAMSIZ - 1: the longest interface name, in bytes.</summary>
    public const int MaxNameLength = 15;
}
