using System.Globalization;
using System.Text;

namespace Hutch.Spec;

/// <summary>Builds the JSON paths errors name: <c>mounts[2].destination</c>, <c>linux.netDevices["eth0"].name</c>.</summary>
internal static class JsonPath
{
    public static string Index(string array, int index) => $"{array}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>A map entry; the key is quoted and escaped like a JSON string so odd keys stay on one line.</summary>
    public static string Key(string map, string key) => $"{map}[{Quote(key)}]";

    /// <summary>A JSON string literal of <paramref name="value"/>: quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        foreach (var c in value)
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
        return text.Append('"').ToString();
    }
}
