using System.Globalization;
using Hutch.Linux;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// Reads the three shapes of cgroup statistics files: one number ("4096\n", or "max"), keyed
/// lines ("user 12\nsystem 3\n") and number lists ("12 34 \n"). A missing file is not an
/// error (an older kernel, a controller not enabled here): the readers return null or empty.
/// </summary>
internal static class CgroupFiles
{
    /// <summary>The number a "max" (no limit) reads as, as runc reports it on cgroup v2.</summary>
    public const ulong Unlimited = ulong.MaxValue;

    /// <summary>The file's text, or null when it does not exist.</summary>
    public static string? ReadText(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException e)
        {
            // ENODEV and friends: a removed cgroup's open file, a controller going away.
            throw new CgroupStatsException($"read cgroup file `{path}`: {IoErrors.Describe(e)}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CgroupStatsException($"read cgroup file `{path}`: permission denied (run hutch as root)", e);
        }
    }

    public static bool Exists(string directory, string file) => File.Exists(Path.Combine(directory, file));

    /// <summary>A file holding one number ("max" is <see cref="Unlimited"/>); null when the file does not exist.</summary>
    public static ulong? ReadNumber(string directory, string file) =>
        ReadText(directory, file) is { } text ? ParseNumber(text, Path.Combine(directory, file)) : null;

    /// <summary>"key value" lines; empty when the file does not exist.</summary>
    public static Dictionary<string, ulong> ReadKeyed(string directory, string file) =>
        ReadText(directory, file) is { } text ? ParseKeyed(text, Path.Combine(directory, file)) : [];

    /// <summary>One number, "max" as <see cref="Unlimited"/>.</summary>
    public static ulong ParseNumber(string text, string path)
    {
        var value = text.Trim();
        if (value == "max")
        {
            return Unlimited;
        }
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Malformed(path, value, "a number or \"max\"");
    }

    /// <summary>"key value" lines into a map; a line that is not a key and one number is an error.</summary>
    public static Dictionary<string, ulong> ParseKeyed(string text, string path)
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2)
            {
                throw Malformed(path, line, "\"key value\"");
            }
            map[fields[0]] = ParseNumber(fields[1], path);
        }
        return map;
    }

    /// <summary>Whitespace-separated numbers (cpuacct.usage_percpu).</summary>
    public static List<ulong> ParseNumberList(string text, string path) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(field => ParseNumber(field, path)).ToList();

    /// <summary>A cpu or memory-node list ("0-3,8,10-11") as each number in it; empty text gives an empty list.</summary>
    public static List<ushort> ParseIdList(string text, string path)
    {
        var ids = new List<ushort>();
        foreach (var range in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = range.Split('-');
            if (bounds.Length is < 1 or > 2
                || !ushort.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !ushort.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first)
            {
                throw Malformed(path, range, "a list such as 0-3,8");
            }
            for (var id = first; id <= last; id++)
            {
                ids.Add(id);
                if (id == ushort.MaxValue)
                {
                    break;
                }
            }
        }
        return ids;
    }

    /// <summary>The non-empty lines of a file's text.</summary>
    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static CgroupStatsException Malformed(string path, string found, string expected) =>
        new($"read cgroup file `{path}`: unexpected `{found}` (expected {expected}); is this a cgroup directory?");
}
