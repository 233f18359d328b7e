using System.Net.NetworkInformation;

namespace Hutch.Linux.Netlink;

/// <summary>A network device as RTM_NEWLINK describes it.</summary>
/// <param name="Index">ifindex, unique within its network namespace.</param>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Flags">IFF_* (Up is the administrative state, LowerUp the carrier).</param>
/// <param name="Mtu">IFLA_MTU.</param>
/// <param name="Address">IFLA_ADDRESS: the hardware (MAC) address, when the device has one.</param>
/// <param name="PermanentAddress">IFLA_PERM_ADDRESS: the burnt-in address, for hardware that reports it.</param>
/// <param name="Broadcast">IFLA_BROADCAST, when present.</param>
/// <param name="Kind">IFLA_LINKINFO/IFLA_INFO_KIND ("veth", "bridge", "macvlan", "ifb", ...); null for physical devices and loopback.</param>
/// <param name="OperationalState">IFLA_OPERSTATE.</param>
/// <param name="LinkType">ifi_type: ARPHRD_* (1 Ethernet, 772 loopback).</param>
internal sealed record LinkInfo(
    int Index,
    string Name,
    InterfaceFlags Flags,
    uint Mtu,
    PhysicalAddress? Address,
    PhysicalAddress? PermanentAddress,
    PhysicalAddress? Broadcast,
    string? Kind,
    OperationalState OperationalState,
    ushort LinkType)
{
    /// <summary>Administratively up (IFF_UP).</summary>
    public bool IsUp => (Flags & InterfaceFlags.Up) != 0;

    /// <summary>"aa:bb:cc:dd:ee:ff", the way ip(8) prints it, or null.</summary>
    public string? FormattedAddress => Address is null ? null : FormatHardwareAddress(Address);

    /// <summary>Lower-case, colon-separated hex bytes.</summary>
    public static string FormatHardwareAddress(PhysicalAddress address) =>
        string.Join(':', address.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
