using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>struct ifa_cacheinfo (linux/if_addr.h), the IFA_CACHEINFO payload: 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AddressCacheInfo
{
    /// <summary>ifa_prefered, in seconds (note: it comes before valid).</summary>
    public uint PreferredLifetime;

    /// <summary>ifa_valid, in seconds.</summary>
    public uint ValidLifetime;

    /// <summary>cstamp: creation time, hundredths of a second since boot (read-only).</summary>
    public uint Created;

    /// <summary>tstamp: last update, hundredths of a second since boot (read-only).</summary>
    public uint Updated;
}
