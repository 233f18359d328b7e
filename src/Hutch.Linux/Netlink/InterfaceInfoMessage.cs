using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>struct ifinfomsg (linux/rtnetlink.h): the fixed header of RTM_*LINK, 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InterfaceInfoMessage
{
    public byte Family;
    private readonly byte _pad;

    /// <summary>ifi_type: ARPHRD_* (1 = Ethernet).</summary>
    public ushort Type;
    public int Index;
    public InterfaceFlags Flags;

    /// <summary>ifi_change: which bits of Flags a SETLINK/NEWLINK request changes.</summary>
    public InterfaceFlags Change;
}
