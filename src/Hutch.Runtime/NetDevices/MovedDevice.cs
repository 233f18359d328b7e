using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>A device <see cref="NetDeviceMover.MoveAll"/> moved into the container's network namespace.</summary>
/// <param name="HostName">Its name in the runtime's namespace (the linux.netDevices key).</param>
/// <param name="ContainerName">Its name inside: the requested one, or what the kernel made of a "%d" template.</param>
/// <param name="ContainerIndex">Its ifindex inside (the one it had when that was free there).</param>
/// <param name="HostIndex">Its ifindex in the runtime's namespace before the move.</param>
/// <param name="MacAddress">"aa:bb:cc:dd:ee:ff", unchanged by the move; null for a device without one.</param>
/// <param name="Mtu">Unchanged by the move.</param>
/// <param name="CarriedAddresses">The permanent global-scope addresses re-added inside, as added (new index, renamed label).</param>
internal sealed record MovedDevice(
    string HostName,
    string ContainerName,
    int ContainerIndex,
    int HostIndex,
    string? MacAddress,
    uint Mtu,
    IReadOnlyList<AddressInfo> CarriedAddresses);
