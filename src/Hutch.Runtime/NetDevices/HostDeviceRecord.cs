using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>
/// One device as <see cref="NetDeviceMover.Prepare"/> found it in the runtime's network namespace:
/// what to move, under which name, and everything needed to put it back as it was.
/// </summary>
/// <param name="HostName">The linux.netDevices key.</param>
/// <param name="RequestedName">The name asked for inside: <c>name</c>, or the key; may be a "%d" template.</param>
/// <param name="ExpectedName">The name the kernel will give it inside (a template resolved as the kernel would, for messages).</param>
/// <param name="Link">The device before the move (index, MAC, MTU, up/down).</param>
/// <param name="Addresses">Every address it had, in the kernel's order (primaries before secondaries).</param>
internal sealed record HostDeviceRecord(
    string HostName,
    string RequestedName,
    string ExpectedName,
    LinkInfo Link,
    IReadOnlyList<AddressInfo> Addresses)
{
    public bool IsTemplate => RequestedName.Contains('%', StringComparison.Ordinal);

    /// <summary>The addresses the spec says to carry: permanent (IFA_F_PERMANENT) and global scope, any family.</summary>
    public IEnumerable<AddressInfo> CarriedAddresses => Addresses.Where(AddressRules.IsCarried);
}
