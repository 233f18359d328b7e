using System.Net;
using System.Text;
using Hutch.Linux.Netlink;
using Hutch.Spec;

namespace Hutch.Runtime.NetDevices;

/// <summary>Which addresses move with a device, which come back on rollback, and how they are rewritten.</summary>
internal static class AddressRules
{
    /// <summary>
    /// config-linux.md: the runtime MUST preserve all permanent (IFA_F_PERMANENT) addresses of global
    /// scope (RT_SCOPE_UNIVERSE), of any family. Link-local ones are the kernel's to make; dynamic
    /// ones (finite lifetime, SLAAC, privacy) belong to whatever configured them.
    /// </summary>
    public static bool IsCarried(AddressInfo address) => address.IsPermanent && address.IsGlobalScope;

    /// <summary>
    /// On rollback, the addresses to put back (the kernel drops every address on a move): all of
    /// them except what the kernel or a router makes again by itself, namely IPv6 link-local
    /// addresses (fe80::/10, made when the device comes up) and IPv6 autoconfigured ones (not
    /// permanent: SLAAC and privacy addresses, made again from router advertisements).
    /// IPv4 addresses with a finite lifetime come back with the lifetime they had left.
    /// </summary>
    public static bool IsRestored(AddressInfo address) => address.Family switch
    {
        LinuxAddressFamily.IPv4 => true,
        LinuxAddressFamily.IPv6 => address.IsPermanent && !IsIPv6LinkLocal(address),
        _ => false,
    };

    /// <summary>
    /// The address re-targeted at <paramref name="index"/> with its IPv4 label following the
    /// device's name: "hostA" becomes "ctr_eth0", "hostA:1" becomes "ctr_eth0:1"; a label that
    /// does not start with the old name is kept. Null when the renamed label would not fit in
    /// 15 bytes (the kernel's limit for labels as for names); <paramref name="label"/> then says which.
    /// </summary>
    public static AddressInfo? Retarget(AddressInfo address, int index, string oldName, string newName, out string? label)
    {
        label = RenameLabel(address.Label, oldName, newName);
        if (label != null && Encoding.UTF8.GetByteCount(label) > NetDeviceNames.MaxNameBytes)
        {
            return null;
        }
        return address with { Index = index, Label = label };
    }

    /// <summary>The same address: family, local address, prefix length and peer (what the kernel matches on).</summary>
    public static bool SameAddress(AddressInfo a, AddressInfo b) =>
        a.Family == b.Family && a.PrefixLength == b.PrefixLength
        && Equals(a.LocalAddress, b.LocalAddress) && Equals(a.Peer, b.Peer);

    private static string? RenameLabel(string? label, string oldName, string newName)
    {
        if (label is null || oldName == newName)
        {
            return label;
        }
        if (label == oldName)
        {
            return newName;
        }
        return label.StartsWith(oldName + ":", StringComparison.Ordinal) ? newName + label[oldName.Length..] : label;
    }

    private static bool IsIPv6LinkLocal(AddressInfo address) =>
        address.LocalAddress is { } local && (local.IsIPv6LinkLocal || address.Scope == AddressScope.Link && !local.Equals(IPAddress.IPv6Loopback));
}
