using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>struct ifaddrmsg (linux/if_addr.h): the fixed header of RTM_*ADDR, 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InterfaceAddressMessage
{
    public LinuxAddressFamily Family;
    public byte PrefixLength;

    /// <summary>ifa_flags: the low 8 bits of the flags; IFA_FLAGS carries all 32.</summary>
    public byte Flags;
    public AddressScope Scope;
    public int Index;
}
