namespace Hutch.Linux.Netlink;

/// <summary>Address flags (IFA_F_*, linux/if_addr.h).</summary>
[Flags]
internal enum AddressFlags : uint
{
    None = 0,
    Secondary = 0x01, // IPv6 calls it IFA_F_TEMPORARY
    NoDad = 0x02,
    Optimistic = 0x04,
    DadFailed = 0x08,
    HomeAddress = 0x10,
    Deprecated = 0x20,
    Tentative = 0x40,
    Permanent = 0x80,
    ManageTempAddress = 0x100,
    NoPrefixRoute = 0x200,
    McAutoJoin = 0x400,
    StablePrivacy = 0x800,

    /// <summary>
    /// The flags a caller may ask for when adding an address. The others describe kernel
    /// state (secondary, tentative, DAD failed, deprecated) or follow from the lifetime
    /// (permanent), so re-adding a dumped address sends only these.
    /// </summary>
    Settable = NoDad | Optimistic | HomeAddress | ManageTempAddress | NoPrefixRoute | McAutoJoin,
}
