namespace Hutch.Linux.Netlink;

/// <summary>
/// Linux address families as rtnetlink carries them (AF_*, linux/socket.h). Not
/// System.Net.Sockets.AddressFamily, whose InterNetworkV6 is 23, not 10.
/// </summary>
internal enum LinuxAddressFamily : byte
{
    Unspecified = 0,
    IPv4 = 2,
    IPv6 = 10,
}
