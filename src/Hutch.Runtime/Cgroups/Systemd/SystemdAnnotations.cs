using System.Globalization;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// The `org.systemd.property.NAME` annotations, which set any unit property of the container's
/// scope, as runc reads them: NAME is letters only (3 or more), the value is in the GVariant text
/// format (`true`, `10`, `uint64 1000`, `@t 1000`, `'text'`, `["a", "b"]`), and a NAME ending in
/// "Sec" after a lowercase letter (TimeoutStopSec) is a number of seconds, given to systemd as
/// the USec property in microseconds. Pure.
/// </summary>
internal static class SystemdAnnotations
{
    public const string Prefix = "org.systemd.property.";

    /// <summary>The properties the annotations set, in name order; throws CgroupResourceException naming the annotation.</summary>
    public static List<SystemdProperty> Parse(Dictionary<string, string>? annotations)
    {
        var properties = new List<SystemdProperty>();
        foreach (var (key, text) in (annotations ?? []).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var jsonPath = JsonPath.Key("annotations", key);
            var name = key[Prefix.Length..];
            if (name.Length < 3 || !name.All(char.IsAsciiLetter))
            {
                throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(name)} is not a systemd property name (3 or more ASCII letters, e.g. CPUWeight, TimeoutStopSec)");
            }
            var (signature, value) = ParseValue(text.Trim(), jsonPath);
            if (name.Length > 3 && name.EndsWith("Sec", StringComparison.Ordinal) && char.IsAsciiLetterLower(name[^4]))
            {
                var seconds = value switch
                {
                    double d when d >= 0 => d,
                    IConvertible c when signature is "y" or "n" or "q" or "i" or "u" or "x" or "t" => Convert.ToDouble(c, CultureInfo.InvariantCulture),
                    _ => throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)} is not a number of seconds"),
                };
                if (seconds < 0)
                {
                    throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)} is negative; give a number of seconds");
                }
                properties.Add(SystemdProperty.UInt64(name[..^3] + "USec", (ulong)(seconds * 1_000_000)));
                continue;
            }
            properties.Add(new SystemdProperty(name, signature, value));
        }
        return properties;
    }

    /// <summary>One GVariant text value: a basic value (optionally typed) or an array of strings or numbers.</summary>
    internal static (string Signature, object Value) ParseValue(string text, string jsonPath)
    {
        if (text.StartsWith('['))
        {
            return ParseArray(text, jsonPath);
        }
        var type = "";
        if (text.StartsWith('@'))
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw Bad(text, jsonPath);
            }
            type = text[1..space];
            text = text[(space + 1)..].Trim();
            if (type.StartsWith('a'))
            {
                var (arraySignature, arrayValue) = ParseArray(text, jsonPath, type[1..]);
                return (arraySignature, arrayValue);
            }
        }
        else
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && Keywords.TryGetValue(text[..space], out var keyword))
            {
                type = keyword;
                text = text[(space + 1)..].Trim();
            }
        }
        return ParseBasic(text, type, jsonPath);
    }

    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["boolean"] = "b", ["byte"] = "y", ["int16"] = "n", ["uint16"] = "q", ["int32"] = "i", ["uint32"] = "u",
        ["int64"] = "x", ["uint64"] = "t", ["double"] = "d", ["string"] = "s", ["objectpath"] = "o",
    };

    private static (string, object) ParseBasic(string text, string type, string jsonPath)
    {
        if (text is "true" or "false")
        {
            return type is "" or "b" ? ("b", text == "true") : throw Bad(text, jsonPath);
        }
        if (text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0])
        {
            return type is "" or "s" ? ("s", Unescape(text[1..^1])) : type == "o" ? ("o", text[1..^1]) : throw Bad(text, jsonPath);
        }
        var inv = CultureInfo.InvariantCulture;
        var integer = NumberStyles.AllowLeadingSign;
        object? value = type switch
        {
            "y" => byte.TryParse(text, integer, inv, out var y) ? y : null,
            "n" => short.TryParse(text, integer, inv, out var n) ? n : null,
            "q" => ushort.TryParse(text, integer, inv, out var q) ? q : null,
            "i" => int.TryParse(text, integer, inv, out var i) ? i : null,
            "u" => uint.TryParse(text, integer, inv, out var u) ? u : null,
            "x" => long.TryParse(text, integer, inv, out var x) ? x : null,
            "t" => ulong.TryParse(text, integer, inv, out var t) ? t : null,
            "d" => double.TryParse(text, NumberStyles.Float, inv, out var d) ? d : null,
            // Untyped: an integer is an int32 (int64 when it does not fit), a number with a point a double.
            "" => int.TryParse(text, integer, inv, out var i32) ? i32
                : long.TryParse(text, integer, inv, out var i64) ? i64
                : double.TryParse(text, NumberStyles.Float, inv, out var dbl) ? dbl : null,
            _ => null,
        };
        if (value is null)
        {
            throw Bad(text, jsonPath);
        }
        var signature = value switch
        {
            byte => "y", short => "n", ushort => "q", int => "i", uint => "u", long => "x", ulong => "t", _ => "d",
        };
        // Only the types SystemdProperty can encode; the 16-bit ones go as their wider kin would not match systemd's, so refuse them.
        return signature is "n" or "q" ? throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)}: 16-bit values are not supported; no systemd unit property has that type") : (signature, value);
    }

    private static (string, object) ParseArray(string text, string jsonPath, string elementType = "")
    {
        if (!text.StartsWith('[') || !text.EndsWith(']'))
        {
            throw Bad(text, jsonPath);
        }
        var body = text[1..^1].Trim();
        var items = body.Length == 0 ? [] : SplitTopLevel(body).Select(item => ParseBasic(item.Trim(), elementType, jsonPath)).ToList();
        var signature = items.Count > 0 ? items[0].Item1 : elementType.Length > 0 ? elementType : "s";
        if (items.Any(item => item.Item1 != signature))
        {
            throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)}: the items of an array must all be of one type");
        }
        return signature switch
        {
            "s" => ("as", items.Select(item => (string)item.Item2).ToArray()),
            "u" => ("au", items.Select(item => (uint)item.Item2).ToArray()),
            "i" => ("au", items.Select(item => checked((uint)(int)item.Item2)).ToArray()),
            "y" => ("ay", items.Select(item => (byte)item.Item2).ToArray()),
            _ => throw new CgroupResourceException(jsonPath, $"{JsonPath.Quote(text)}: only arrays of strings, bytes or uint32 are supported"),
        };
    }

    private static List<string> SplitTopLevel(string body)
    {
        var items = new List<string>();
        var quote = '\0';
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == ',')
            {
                items.Add(body[start..i]);
                start = i + 1;
            }
        }
        items.Add(body[start..]);
        return items;
    }

    private static string Unescape(string s) => s.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static CgroupResourceException Bad(string text, string jsonPath) =>
        new(jsonPath, $"{JsonPath.Quote(text)} is not a GVariant text value this driver reads: use true/false, a number (optionally typed: \"uint64 1000\", \"@t 1000\"), a quoted string, or an array like [\"a\", \"b\"]");
}
