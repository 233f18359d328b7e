namespace Hutch.Linux.Netlink;

/// <summary>
/// nlmsg_flags (NLM_F_*, linux/netlink.h). The high byte means different things for
/// GET requests, NEW requests, DELETE requests and acks, hence the aliases.
/// </summary>
[Flags]
internal enum NetlinkFlags : ushort
{
    None = 0,
    Request = 0x01,
    Multi = 0x02,
    Ack = 0x04,
    Echo = 0x08,
    DumpInterrupted = 0x10,
    DumpFiltered = 0x20,

    // GET requests
    Root = 0x100,
    Match = 0x200,
    Atomic = 0x400,
    Dump = Root | Match,

    // NEW requests
    Replace = 0x100,
    Exclusive = 0x200,
    Create = 0x400,
    Append = 0x800,

    // DELETE requests
    NonRecursive = 0x100,
    Bulk = 0x200,

    // Acks (NLMSG_ERROR)
    Capped = 0x100,
    AckTlvs = 0x200,
}
