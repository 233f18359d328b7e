using System.Globalization;
using System.Text;
using Hutch.Linux.Processes;

namespace Hutch.Commands;

/// <summary>
/// `ps` output. JSON is runc's: an array of host pids. The table is hutch's own, read from /proc
/// (so no ps(1) needs to be installed): UID, PID, PPID, STAT, TIME (user + system CPU) and CMD.
/// A process that exits while the table is built is left out.
/// </summary>
internal static class PsTable
{
    public static string Json(IReadOnlyList<int> pids) =>
        "[" + string.Join(',', pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture))) + "]\n";

    public static string Render(IReadOnlyList<int> pids)
    {
        var rows = new List<string[]> { new[] { "UID", "PID", "PPID", "STAT", "TIME", "CMD" } };
        foreach (var pid in pids)
        {
            if (Row(pid) is { } row)
            {
                rows.Add(row);
            }
        }
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var c = 0; c < 5; c++)
            {
                // Numbers right-aligned as ps does; the command last, as it is.
                text.Append(c is 1 or 2 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
            }
            text.Append(row[5]).Append('\n');
        }
        return text.ToString();
    }

    private static string[]? Row(int pid)
    {
        try
        {
            var dir = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
            if (ProcStat.Read(pid) is not { } stat)
            {
                return null;
            }
            var uid = File.ReadLines(dir + "/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
                .Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "?";
            var cmdline = File.ReadAllText(dir + "/cmdline").TrimEnd('\0').Replace('\0', ' ');
            return
            [
                uid,
                pid.ToString(CultureInfo.InvariantCulture),
                stat.ParentPid.ToString(CultureInfo.InvariantCulture),
                stat.State.ToString(),
                CpuTime(dir),
                cmdline.Length > 0 ? cmdline : "[" + stat.Comm + "]",
            ];
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    // utime + stime (fields 14 and 15 of /proc/PID/stat, after the comm's last ')') in USER_HZ
    // ticks (100 per second on Linux, whatever the kernel's HZ), as [HH:]MM:SS.
    private static string CpuTime(string dir)
    {
        var line = File.ReadAllText(dir + "/stat");
        var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = ulong.Parse(fields[11], CultureInfo.InvariantCulture) + ulong.Parse(fields[12], CultureInfo.InvariantCulture);
        var time = TimeSpan.FromSeconds(ticks / 100.0);
        return time.ToString(time.TotalHours >= 1 ? @"hh\:mm\:ss" : @"mm\:ss", CultureInfo.InvariantCulture);
    }
}
