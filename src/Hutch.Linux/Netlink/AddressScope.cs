namespace Hutch.Linux.Netlink;

/// <summary>Address scopes (enum rt_scope_t, RT_SCOPE_*, linux/rtnetlink.h).</summary>
internal enum AddressScope : byte
{
    /// <summary>RT_SCOPE_UNIVERSE: a global address.</summary>
    Universe = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}
