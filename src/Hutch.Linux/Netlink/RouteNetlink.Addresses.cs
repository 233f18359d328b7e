using System.Globalization;

namespace Hutch.Linux.Netlink;

/// <summary>Addresses (RTM_*ADDR).</summary>
internal sealed partial class RouteNetlink
{
    /// <summary>
    /// The addresses of device <paramref name="index"/> (0: of every device) in a family
    /// (Unspecified: IPv4 and IPv6). Filtered here too, whether or not the kernel filtered.
    /// </summary>
    public IReadOnlyList<AddressInfo> ListAddresses(int index = 0, LinuxAddressFamily family = LinuxAddressFamily.Unspecified)
    {
        Span<byte> request = stackalloc byte[AddressMessages.RequestBufferSize];
        var length = AddressMessages.Dump(request, family, index);
        var operation = index == 0
            ? "list addresses"
            : "list addresses of device #" + index.ToString(CultureInfo.InvariantCulture);
        return Socket.Dump(request[..length],
            (in NetlinkMessage message) => AddressMessages.Parse(message) is { } address
                && AddressMessages.Matches(address, index, family) ? address : null,
            operation);
    }

    /// <summary>
    /// Adds the address to device address.Index (fails with EEXIST if it is there already).
    /// Only settable flags are sent (nodad, noprefixroute, ...); permanence follows from the lifetimes.
    /// </summary>
    public void AddAddress(AddressInfo address)
    {
        Span<byte> request = stackalloc byte[AddressMessages.RequestBufferSize];
        var length = AddressMessages.Add(request, address);
        ExecuteOnDevice(request[..length], address.Index, device => $"add address {address} to device {device}", errno => errno switch
        {
            Errno.EEXIST => "the device already has this address",
            _ => null,
        });
    }

    /// <summary>Removes the address from device address.Index.</summary>
    public void DeleteAddress(AddressInfo address)
    {
        Span<byte> request = stackalloc byte[AddressMessages.RequestBufferSize];
        var length = AddressMessages.Delete(request, address);
        ExecuteOnDevice(request[..length], address.Index, device => $"delete address {address} from device {device}");
    }
}
