using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>struct nlmsghdr (linux/netlink.h): 16 bytes, host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NetlinkMessageHeader
{
    /// <summary>nlmsg_len: the whole message, header included.</summary>
    public uint Length;
    public ushort Type;
    public NetlinkFlags Flags;
    public uint Sequence;

    /// <summary>nlmsg_pid: the port id of the socket the request came from (0 in a request lets the kernel use the sender's).</summary>
    public uint PortId;
}
