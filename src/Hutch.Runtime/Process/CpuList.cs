using System.Globalization;

namespace Hutch.Runtime.Processes;

/// <summary>
/// CPU lists as cpuset and execCPUAffinity write them ("0-3,7"), to sched_setaffinity masks; the
/// same syntax names memory nodes (linux.memoryPolicy.nodes), to set_mempolicy masks.
/// </summary>
internal static class CpuList
{
    /// <summary>CPUs 0-1023: the mask glibc's cpu_set_t holds.</summary>
    public const int MaxCpus = 1024;

    /// <summary>The mask of <paramref name="list"/> in 64-bit words; throws FormatException saying what is wrong.</summary>
    public static ulong[] Parse(string list) => Parse(list, "CPU", MaxCpus);

    /// <summary>The mask (<paramref name="count"/> bits) of a list of <paramref name="unit"/>s ("CPU", "memory node").</summary>
    public static ulong[] Parse(string list, string unit, int count)
    {
        var mask = new ulong[count / 64];
        var any = false;
        foreach (var raw in list.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                throw new FormatException($"\"{list}\" has an empty entry; write {unit}s like \"0-3,7\"");
            }
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = ParseNumber(dash < 0 ? part : part[..dash], list, unit, count);
            var last = dash < 0 ? first : ParseNumber(part[(dash + 1)..], list, unit, count);
            if (last < first)
            {
                throw new FormatException($"\"{list}\": range {part} ends before it starts");
            }
            for (var cpu = first; cpu <= last; cpu++)
            {
                mask[cpu / 64] |= 1UL << (cpu % 64);
            }
            any = true;
        }
        if (!any)
        {
            throw new FormatException($"\"{list}\" names no {unit}");
        }
        return mask;
    }

    private static int ParseNumber(string text, string list, string unit, int count)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"\"{list}\": \"{text}\" is not a {unit} number");
        }
        if (number >= count)
        {
            throw new FormatException($"\"{list}\": {unit} {number} is past the last one hutch can address ({count - 1})");
        }
        return number;
    }
}
