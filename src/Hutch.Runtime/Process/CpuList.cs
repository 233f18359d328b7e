using System.Globalization;

namespace Hutch.Runtime.Processes;

/// <summary>CPU lists as cpuset and execCPUAffinity write them ("0-3,7"), to sched_setaffinity masks.</summary>
internal static class CpuList
{
    /// <summary>CPUs 0-1023: the mask glibc's cpu_set_t holds.</summary>
    public const int MaxCpus = 1024;

    /// <summary>The mask of <paramref name="list"/> in 64-bit words; throws FormatException saying what is wrong.</summary>
    public static ulong[] Parse(string list)
    {
        var mask = new ulong[MaxCpus / 64];
        var any = false;
        foreach (var raw in list.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                throw new FormatException($"\"{list}\" has an empty entry; write CPUs like \"0-3,7\"");
            }
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = ParseCpu(dash < 0 ? part : part[..dash], list);
            var last = dash < 0 ? first : ParseCpu(part[(dash + 1)..], list);
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
            throw new FormatException($"\"{list}\" names no CPU");
        }
        return mask;
    }

    private static int ParseCpu(string text, string list)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu))
        {
            throw new FormatException($"\"{list}\": \"{text}\" is not a CPU number");
        }
        if (cpu >= MaxCpus)
        {
            throw new FormatException($"\"{list}\": CPU {cpu} is past the last one hutch can address ({MaxCpus - 1})");
        }
        return cpu;
    }
}
