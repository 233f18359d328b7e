namespace Hutch.Linux.Netlink;

/// <summary>Control message types every netlink family shares (NLMSG_*, linux/netlink.h).</summary>
internal static class NetlinkMessageTypes
{
    public const ushort NLMSG_NOOP = 1;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort NLMSG_OVERRUN = 4;
}
