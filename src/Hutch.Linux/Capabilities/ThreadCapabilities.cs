using System.Globalization;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Capabilities;

/// <summary>
/// The capability state of the calling thread (capabilities(7)): bounding, effective,
/// permitted, inheritable and ambient sets, keep-caps and no_new_privs. Every call acts on
/// this thread only; returns 0 or -errno.
/// </summary>
internal static class ThreadCapabilities
{
    /// <summary>The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap); the table's last when unreadable.</summary>
    public static int LastCapability()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim();
            return int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return CapabilityNames.All.Length - 1;
        }
    }

    /// <summary>PR_CAPBSET_DROP (needs CAP_SETPCAP).</summary>
    public static int DropBounding(int capability) => Check(Libc.Prctl(Libc.PR_CAPBSET_DROP, (nuint)capability));

    /// <summary>1 when <paramref name="capability"/> is in the bounding set, 0 when not, or -errno.</summary>
    public static int InBounding(int capability) => Libc.Prctl(Libc.PR_CAPBSET_READ, (nuint)capability);

    /// <summary>capset(2), version 3.</summary>
    public static unsafe int Set(CapabilitySet effective, CapabilitySet permitted, CapabilitySet inheritable)
    {
        var words = stackalloc uint[6];
        ToWords(effective, permitted, inheritable, new Span<uint>(words, 6));
        return Libc.hutch_capset(words);
    }

    /// <summary>capget(2) of this thread.</summary>
    public static unsafe int Get(out CapabilitySet effective, out CapabilitySet permitted, out CapabilitySet inheritable)
    {
        var words = stackalloc uint[6];
        var rc = Libc.hutch_capget(words);
        effective = new CapabilitySet(words[0] | ((ulong)words[3] << 32));
        permitted = new CapabilitySet(words[1] | ((ulong)words[4] << 32));
        inheritable = new CapabilitySet(words[2] | ((ulong)words[5] << 32));
        return rc;
    }

    /// <summary>The six words hutch_capset takes (native/exec.h).</summary>
    public static void ToWords(CapabilitySet effective, CapabilitySet permitted, CapabilitySet inheritable, Span<uint> words)
    {
        words[0] = (uint)effective.Bits;
        words[1] = (uint)permitted.Bits;
        words[2] = (uint)inheritable.Bits;
        words[3] = (uint)(effective.Bits >> 32);
        words[4] = (uint)(permitted.Bits >> 32);
        words[5] = (uint)(inheritable.Bits >> 32);
    }

    public static int ClearAmbient() => Check(Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL));

    /// <summary>PR_CAP_AMBIENT_RAISE: the capability must be permitted and inheritable already.</summary>
    public static int RaiseAmbient(int capability) =>
        Check(Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_RAISE, (nuint)capability));

    /// <summary>PR_SET_KEEPCAPS: keep the permitted set across a change from uid 0 to another.</summary>
    public static int SetKeepCaps(bool keep) => Check(Libc.Prctl(Libc.PR_SET_KEEPCAPS, keep ? 1u : 0u));

    /// <summary>PR_SET_NO_NEW_PRIVS: execve can never grant more (setuid bits, file capabilities).</summary>
    public static int SetNoNewPrivileges() => Check(Libc.Prctl(Libc.PR_SET_NO_NEW_PRIVS, 1));

    private static int Check(int rc) => rc < 0 ? rc : 0;
}
