namespace Hutch.Linux.Netlink;

/// <summary>rtnetlink message types for links and addresses (RTM_*, linux/rtnetlink.h).</summary>
internal static class RouteMessageTypes
{
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_SETLINK = 19;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;
}
