using System.Globalization;
using System.Text;
using Hutch.Spec;

namespace Hutch.Runtime.NetDevices;

/// <summary>
/// What the kernel makes of a "%d" template (net/core/dev.c, __dev_alloc_name): the lowest number
/// N below 32768 such that no device is named exactly as the template formats N; the name is the
/// formatted text cut to 15 bytes, and if that cut name is taken the kernel fails (ENFILE).
/// Used to check before moving anything that a template has a free slot; the device is still
/// found afterwards by its ifindex, never by this prediction.
/// </summary>
internal static class TemplateNames
{
    /// <summary>The kernel's bound: one page of bits (8 * 4096).</summary>
    public const int MaxNumber = 8 * 4096;

    /// <summary>The name the kernel would pick given the names taken, or null when there is no free slot.</summary>
    public static string? Resolve(string template, IReadOnlySet<string> taken)
    {
        var marker = template.IndexOf(NetDeviceNames.TemplateMarker, StringComparison.Ordinal);
        var prefix = template[..marker];
        var suffix = template[(marker + 2)..];
        for (var number = 0; number < MaxNumber; number++)
        {
            var full = prefix + number.ToString(CultureInfo.InvariantCulture) + suffix;
            if (taken.Contains(full))
            {
                continue;
            }
            var name = CutToNameSize(full);
            return taken.Contains(name) ? null : name;
        }
        return null;
    }

    /// <summary>snprintf into IFNAMSIZ: at most 15 bytes, never half a UTF-8 character (the name is then invalid anyway).</summary>
    private static string CutToNameSize(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= NetDeviceNames.MaxNameBytes)
        {
            return name;
        }
        var end = name.Length;
        while (Encoding.UTF8.GetByteCount(name.AsSpan(0, end)) > NetDeviceNames.MaxNameBytes)
        {
            end--;
        }
        return name[..end];
    }
}
