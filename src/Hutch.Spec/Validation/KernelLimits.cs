using System.Globalization;
using System.Text;

namespace Hutch.Spec;

/// <summary>
/// Lengths and numbers the kernel refuses (or silently cuts) past a limit: checked up front so a
/// config fails at validation, naming its JSON path, instead of half-way through create with an
/// error that quotes the whole value.
/// </summary>
internal static class KernelLimits
{
    /// <summary>PATH_MAX (4096) counts the terminating NUL: a path holds at most 4095 bytes.</summary>
    public const int PathBytes = 4095;

    /// <summary>HOST_NAME_MAX (64): sethostname(2) and setdomainname(2) refuse longer names with EINVAL.</summary>
    public const int HostNameBytes = 64;

    /// <summary>MAX_ARG_STRLEN (32 pages, NUL included): execve(2) refuses a longer argument or environment entry with E2BIG.</summary>
    public const int ArgumentBytes = (32 * 4096) - 1;

    /// <summary>The kernel's dev_t keeps 12 bits of major and 20 of minor (MINORBITS): no device has a larger number.</summary>
    public const long MaxMajor = (1 << 12) - 1;

    public const long MaxMinor = (1 << 20) - 1;

    /// <summary>The largest id a mapping may reach: (uid_t)-1 = 4294967295 is never an id.</summary>
    public const long MaxMappedId = uint.MaxValue - 1L;

    /// <summary>Adds an error when <paramref name="value"/> is longer than <paramref name="maxBytes"/> in UTF-8.</summary>
    public static void CheckLength(string path, string? value, int maxBytes, string what, ValidationReport report)
    {
        // UTF-8 is at most 3 bytes per UTF-16 unit: count only when it could matter.
        if (value is null || value.Length * 3 <= maxBytes)
        {
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
        {
            report.Error(path, $"{JsonPath.Quote(value)} is {bytes.ToString(CultureInfo.InvariantCulture)} bytes long; {what} " +
                               $"holds at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes");
        }
    }

    /// <summary>
    /// Adds an error when a device number is out of the kernel's range; <paramref name="wildcard"/>
    /// allows -1 (any), as device cgroup rules do.
    /// </summary>
    public static void CheckDeviceNumber(string path, long value, bool isMajor, bool wildcard, ValidationReport report)
    {
        var max = isMajor ? MaxMajor : MaxMinor;
        if ((value >= 0 && value <= max) || (wildcard && value == -1))
        {
            return;
        }
        report.Error(path, string.Create(CultureInfo.InvariantCulture,
            $"is {value}; a device {(isMajor ? "major" : "minor")} number runs from 0 to {max} (the kernel keeps 12 bits of major " +
            $"and 20 of minor){(wildcard ? ", or -1 (or absent) for any" : "")}"));
    }
}
