using System.Text;

namespace Hutch.Spec;

/// <summary>
/// The kernel's rules for network interface names, checked up front so that a bad
/// <c>linux.netDevices</c> entry fails before anything is moved.
/// </summary>
/// <remarks>
/// Mirrors net/core/dev.c: <c>dev_valid_name</c> (non-empty, shorter than IFNAMSIZ = 16
/// bytes, not "." or "..", no '/', ':' or byte for which the kernel's <c>isspace</c> is
/// true) and <c>__dev_alloc_name</c> (a name holding '%' is a template: exactly one '%',
/// followed by 'd'). Lengths are counted in UTF-8 bytes, as the kernel sees them.
/// The kernel's <c>isspace</c> (lib/ctype.c) is true for 0x09-0x0D, 0x20 and also 0xA0,
/// a byte that appears inside the UTF-8 form of characters such as U+00E0 'à' (C3 A0):
/// the kernel refuses such names with EINVAL (checked on Linux 6.18), so we do too.
/// </remarks>
internal static class NetDeviceNames
{
    /// <summary>IFNAMSIZ - 1: the longest name the kernel accepts, in bytes.</summary>
    public const int MaxNameBytes = 15;

    /// <summary>The kernel's template marker: replaced by the lowest free number.</summary>
    public const string TemplateMarker = "%d";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when <paramref name="name"/> can name an existing host device, else why not.</summary>
    /// <remarks>No template: a name with '%' can never be an existing device's name (the kernel
    /// turns "%d" into a number when it names a device and refuses any other '%').</remarks>
    public static string? CheckHostName(string name)
    {
        var why = CheckCommon(name);
        if (why != null)
        {
            return why;
        }
        if (name.Contains('%', StringComparison.Ordinal))
        {
            return "contains '%': a host device's name never does (\"%d\" is a template the kernel " +
                   "replaces with a number; it is allowed only in the name inside the container)";
        }
        return null;
    }

    /// <summary>Null when <paramref name="name"/> can name the device inside the container, else why not.</summary>
    /// <remarks>May be a template holding exactly one "%d" (e.g. "eth%d"); the kernel then picks
    /// the lowest free number.</remarks>
    public static string? CheckContainerName(string name)
    {
        var why = CheckCommon(name);
        if (why != null)
        {
            return why;
        }
        var percent = name.IndexOf('%', StringComparison.Ordinal);
        if (percent < 0)
        {
            return null;
        }
        if (percent + 1 >= name.Length || name[percent + 1] != 'd')
        {
            return $"has a '%' at position {percent} that is not followed by 'd'; the only template " +
                   "the kernel accepts is one \"%d\" (e.g. \"eth%d\")";
        }
        if (name.IndexOf('%', percent + 2) >= 0)
        {
            return "holds more than one '%'; a template may hold exactly one \"%d\" (e.g. \"eth%d\")";
        }
        return null;
    }

    /// <summary>True when <paramref name="name"/> is a valid container name holding the one "%d" template.</summary>
    public static bool IsTemplate(string name) =>
        name.Contains('%', StringComparison.Ordinal) && CheckContainerName(name) == null;

    /// <summary>The name's length as the kernel counts it: UTF-8 bytes.</summary>
    public static int ByteCount(string name) => Encoding.UTF8.GetByteCount(name);

    private static string? CheckCommon(string name)
    {
        if (name.Length == 0)
        {
            return "is empty; give a device name of 1 to 15 bytes";
        }
        if (name is "." or "..")
        {
            return $"is \"{name}\", which the kernel refuses as a device name";
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            return "is not valid Unicode (it holds an unpaired surrogate); use a plain ASCII name";
        }

        if (bytes.Length > MaxNameBytes)
        {
            var chars = bytes.Length == name.Length ? "" : $" ({name.Length} characters)";
            return $"is {bytes.Length} bytes long{chars}; the kernel allows at most {MaxNameBytes} (IFNAMSIZ-1)";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var what = c switch
            {
                '\0' => "a NUL character",
                '/' => "'/'",
                ':' => "':'",
                _ when char.IsWhiteSpace(c) => $"whitespace (U+{(int)c:X4})",
                _ => null,
            };
            if (what != null)
            {
                return $"contains {what} at position {i}; device names may not hold '/', ':', NUL or whitespace";
            }
        }

        // Bytes of non-ASCII characters the kernel's isspace still refuses (0xA0 inside UTF-8).
        foreach (var b in bytes)
        {
            if (b >= 0x80 && KernelIsSpace(b))
            {
                return $"contains byte 0x{b:X2} in its UTF-8 form, which the kernel treats as a space and refuses; " +
                       "use a plain ASCII name";
            }
        }
        return null;
    }

    /// <summary>The kernel's <c>isspace</c> (lib/ctype.c, Latin-1 table).</summary>
    internal static bool KernelIsSpace(byte b) => b is (>= 0x09 and <= 0x0D) or 0x20 or 0xA0;
}
