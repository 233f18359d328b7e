namespace Hutch.Linux.Netlink;

/// <summary>IFLA_OPERSTATE values (IF_OPER_*, linux/if.h, RFC 2863).</summary>
internal enum OperationalState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}
