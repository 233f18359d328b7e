namespace Hutch.Linux.Netlink;

/// <summary>Address attributes (IFA_*, linux/if_addr.h) after a struct ifaddrmsg.</summary>
internal static class AddressAttributes
{
    /// <summary>The prefix address; on a point-to-point address, the peer.</summary>
    public const ushort IFA_ADDRESS = 1;

    /// <summary>The local address (differs from IFA_ADDRESS only for a peer address).</summary>
    public const ushort IFA_LOCAL = 2;

    /// <summary>The IPv4 label, e.g. "eth0:1".</summary>
    public const ushort IFA_LABEL = 3;

    public const ushort IFA_BROADCAST = 4;
    public const ushort IFA_ANYCAST = 5;

    /// <summary>struct ifa_cacheinfo: preferred and valid lifetimes.</summary>
    public const ushort IFA_CACHEINFO = 6;

    public const ushort IFA_MULTICAST = 7;

    /// <summary>The 32-bit flags (ifa_flags in the header holds only the low 8 bits).</summary>
    public const ushort IFA_FLAGS = 8;

    public const ushort IFA_RT_PRIORITY = 9;
    public const ushort IFA_TARGET_NETNSID = 10;
    public const ushort IFA_PROTO = 11;

    /// <summary>A lifetime of "forever" in struct ifa_cacheinfo (INFINITY_LIFE_TIME).</summary>
    public const uint InfiniteLifetime = 0xFFFFFFFF;
}
