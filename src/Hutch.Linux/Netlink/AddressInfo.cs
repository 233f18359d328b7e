using System.Net;

namespace Hutch.Linux.Netlink;

/// <summary>
/// An address of a device as RTM_NEWADDR describes it. For a plain address Local and
/// Address are equal (IPv6 dumps carry only Address); for a point-to-point one Local is
/// this end and Address the peer.
/// </summary>
/// <param name="Index">ifindex of the device.</param>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="PrefixLength">ifa_prefixlen.</param>
/// <param name="Flags">IFA_FLAGS when present (32 bits), else the 8-bit ifa_flags.</param>
/// <param name="Scope">ifa_scope (Universe = global).</param>
/// <param name="Local">IFA_LOCAL, or null.</param>
/// <param name="Address">IFA_ADDRESS, or null.</param>
/// <param name="Broadcast">IFA_BROADCAST (IPv4), or null.</param>
/// <param name="Label">IFA_LABEL (IPv4), e.g. "eth0:web", or null.</param>
/// <param name="ValidLifetime">Seconds; <see cref="AddressAttributes.InfiniteLifetime"/> is forever.</param>
/// <param name="PreferredLifetime">Seconds; <see cref="AddressAttributes.InfiniteLifetime"/> is forever.</param>
internal sealed record AddressInfo(
    int Index,
    LinuxAddressFamily Family,
    byte PrefixLength,
    AddressFlags Flags,
    AddressScope Scope,
    IPAddress? Local,
    IPAddress? Address,
    IPAddress? Broadcast = null,
    string? Label = null,
    uint ValidLifetime = AddressAttributes.InfiniteLifetime,
    uint PreferredLifetime = AddressAttributes.InfiniteLifetime)
{
    /// <summary>IFA_F_PERMANENT: configured, not autoconfigured, and not expiring.</summary>
    public bool IsPermanent => (Flags & AddressFlags.Permanent) != 0;

    /// <summary>RT_SCOPE_UNIVERSE.</summary>
    public bool IsGlobalScope => Scope == AddressScope.Universe;

    /// <summary>Both lifetimes are infinite (no IFA_CACHEINFO needed to re-create it).</summary>
    public bool HasInfiniteLifetimes =>
        ValidLifetime == AddressAttributes.InfiniteLifetime && PreferredLifetime == AddressAttributes.InfiniteLifetime;

    /// <summary>This end's address: Local when present, else Address.</summary>
    public IPAddress? LocalAddress => Local ?? Address;

    /// <summary>The peer of a point-to-point address, or null.</summary>
    public IPAddress? Peer => Local != null && Address != null && !Local.Equals(Address) ? Address : null;

    /// <summary>"198.18.0.1/24", "198.18.5.1 peer 198.18.5.2/32", "2001:db8::1/64".</summary>
    public override string ToString() => Peer is { } peer
        ? $"{LocalAddress} peer {peer}/{PrefixLength}"
        : $"{LocalAddress}/{PrefixLength}";
}
