namespace Hutch.Linux.Mounts;

/// <summary>One line of /proc/PID/mountinfo (proc(5)).</summary>
internal sealed record MountInfoEntry(
    int Id, int ParentId, uint Major, uint Minor, string Root, string MountPoint,
    IReadOnlyList<string> MountOptions, IReadOnlyList<string> OptionalFields,
    string FsType, string Source, IReadOnlyList<string> SuperOptions)
{
    public bool HasOption(string option) => MountOptions.Contains(option);

    /// <summary>"shared:N", "master:N" ... present.</summary>
    public bool HasPropagation(string prefix) => OptionalFields.Any(f => f.StartsWith(prefix + ":", StringComparison.Ordinal));
}

/// <summary>
/// Reads mountinfo. Use /proc/thread-self/mountinfo from a thread that has its own mount
/// namespace (/proc/self is the thread group leader's).
/// </summary>
internal static class MountInfo
{
    public static IReadOnlyList<MountInfoEntry> Read(string path = "/proc/thread-self/mountinfo") =>
        Parse(File.ReadAllText(path));

    public static IReadOnlyList<MountInfoEntry> Parse(string text)
    {
        var entries = new List<MountInfoEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-", 6);
            if (separator < 0 || fields.Length < separator + 4)
            {
                continue;
            }
            var device = fields[2].Split(':');
            entries.Add(new MountInfoEntry(
                int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture),
                uint.Parse(device[0], System.Globalization.CultureInfo.InvariantCulture),
                uint.Parse(device[1], System.Globalization.CultureInfo.InvariantCulture),
                Unescape(fields[3]), Unescape(fields[4]),
                fields[5].Split(','),
                fields[6..separator],
                fields[separator + 1], Unescape(fields[separator + 2]),
                fields[separator + 3].Split(',')));
        }
        return entries;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s[start] is >= '0' and <= '7' && s[start + 1] is >= '0' and <= '7' && s[start + 2] is >= '0' and <= '7';
}
