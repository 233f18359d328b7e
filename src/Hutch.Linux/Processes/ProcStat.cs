using System.Globalization;

namespace Hutch.Linux.Processes;

/// <summary>Reads and parses /proc/PID/stat.</summary>
internal static class ProcStat
{
    /// <summary>Field 22 of /proc/PID/stat (clock ticks after boot), or null when no process has this pid.</summary>
    public static ulong? StartTime(int pid) => Read(pid)?.StartTime;

    /// <summary>
    /// The process's stat line, or null when no process has this pid (any more).
    /// Other failures (an unreadable or malformed file) throw IOException naming the file.
    /// </summary>
    public static ProcStatInfo? Read(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException) when (!Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"))
        {
            // The process went away between open and read (the read fails with ESRCH).
            return null;
        }
        if (text.Length == 0)
        {
            return null;
        }
        return Parse(text) ?? throw new IOException($"{path}: cannot parse \"{text.TrimEnd()}\" (expected \"pid (comm) state ppid ...\" with 22 or more fields)");
    }

    /// <summary>
    /// Parses one stat line. comm (field 2) may contain spaces and ')' itself, so the
    /// fields after it are found after the LAST ')' of the line. Null when malformed.
    /// </summary>
    public static ProcStatInfo? Parse(ReadOnlySpan<char> line)
    {
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            return null;
        }
        if (!int.TryParse(line[..open].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        var comm = line[(open + 1)..close].ToString();

        // After ") ": field 3 is token 0, so field N is token N-3.
        var rest = line[(close + 1)..];
        Span<Range> tokens = stackalloc Range[21];
        var count = rest.Split(tokens, ' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (count < 20)
        {
            return null;
        }
        var state = rest[tokens[0]];
        if (state.Length != 1)
        {
            return null;
        }
        if (!int.TryParse(rest[tokens[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid)
            || !ulong.TryParse(rest[tokens[19]], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }
        return new ProcStatInfo(pid, comm, state[0], ppid, startTime);
    }
}
