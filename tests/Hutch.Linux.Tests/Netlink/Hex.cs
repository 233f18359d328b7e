using System.Globalization;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>Golden bytes written the way one reads a hexdump: "34 00 12 00 ...".</summary>
internal static class Hex
{
    public static byte[] Bytes(string text) => text
        .Split([' ', '\n', '\r', '\t', '|'], StringSplitOptions.RemoveEmptyEntries)
        .Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
        .ToArray();

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>ASCII bytes as hex, for readable goldens of strings.</summary>
    public static string Ascii(string text) =>
        string.Join(' ', text.Select(c => ((int)c).ToString("x2", CultureInfo.InvariantCulture)));
}
