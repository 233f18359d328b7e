using System.Globalization;
using System.Text;

namespace Hutch.Spec;

/// <summary>Builds the JSON paths errors name: <c>mounts[2].destination</c>, <c>linux.netDevices["eth0"].name</c>.</summary>
internal static class JsonPath
{
    public static string Index(string array, int index) => $"{array}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>A map entry; the key is quoted and escaped like a JSON string so odd keys stay on one line.</summary>
    public static string Key(string map, string key) => $"{map}[{Quote(key)}]";

    /// <summary>
    /// How much of a value a message quotes: enough to recognise it, never the whole of a
    /// 10 MB string (an error would otherwise echo it to stderr and the log).
    /// </summary>
    public const int MaxQuoted = 200;

    /// <summary>
    /// A JSON string literal of <paramref name="value"/>: quotes, backslashes and control
    /// characters escaped; past <see cref="MaxQuoted"/> characters cut, with an ellipsis and the length.
    /// </summary>
    public static string Quote(string value)
    {
        var shown = Head(value);
        var text = new StringBuilder(shown.Length + 48);
        text.Append('"');
        foreach (var c in shown)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
        if (shown.Length < value.Length)
        {
            text.Append("… (cut; ").Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters in all)");
        }
        return text.ToString();
    }

    /// <summary><paramref name="value"/> as it is up to <see cref="MaxQuoted"/> characters, else cut with an ellipsis and the length.</summary>
    public static string Cut(string value)
    {
        var shown = Head(value);
        return shown.Length == value.Length
            ? value
            : string.Concat(shown, "… (cut; " + value.Length.ToString(CultureInfo.InvariantCulture) + " characters in all)");
    }

    // The first MaxQuoted characters, not splitting a surrogate pair.
    private static ReadOnlySpan<char> Head(string value)
    {
        if (value.Length <= MaxQuoted)
        {
            return value;
        }
        var end = char.IsHighSurrogate(value[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return value.AsSpan(0, end);
    }
}
