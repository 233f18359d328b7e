using System.Globalization;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// Block I/O counters. v1 has three families of files; like runc, the CFQ ones are used when
/// they hold entries, else the BFQ ones (kernel 5.0+), else the throttle ones (always there).
/// v2 has io.stat.
/// </summary>
internal static class BlkioReader
{
    public static void ReadV1(string directory, BlkioStats blkio)
    {
        if (HasEntries(directory, "blkio.io_serviced_recursive"))
        {
            ReadScheduler(directory, "blkio.", blkio);
        }
        else if (HasEntries(directory, "blkio.bfq.io_serviced_recursive"))
        {
            ReadScheduler(directory, "blkio.bfq.", blkio);
        }
        else
        {
            blkio.IoServiceBytesRecursive = Read(directory, "blkio.throttle.io_service_bytes_recursive");
            blkio.IoServicedRecursive = Read(directory, "blkio.throttle.io_serviced_recursive");
        }
    }

    /// <summary>v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." per device, as runc maps it.</summary>
    public static void ReadV2(string directory, BlkioStats blkio)
    {
        if (CgroupFiles.ReadText(directory, "io.stat") is not { } text)
        {
            return;
        }
        var path = Path.Combine(directory, "io.stat");
        var bytes = new List<BlkioEntry>();
        var serviced = new List<BlkioEntry>();
        foreach (var line in CgroupFiles.Lines(text))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (major, minor) = ParseDevice(fields[0], path, line);
            foreach (var field in fields.Skip(1))
            {
                var equals = field.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw CgroupFiles.Malformed(path, line, "\"MAJ:MIN key=value ...\"");
                }
                var (list, op) = field[..equals] switch
                {
                    "rbytes" => (bytes, "Read"),
                    "wbytes" => (bytes, "Write"),
                    "rios" => (serviced, "Read"),
                    "wios" => (serviced, "Write"),
                    _ => (null, null),
                };
                list?.Add(new BlkioEntry { Major = major, Minor = minor, Op = op, Value = CgroupFiles.ParseNumber(field[(equals + 1)..], path) });
            }
        }
        blkio.IoServiceBytesRecursive = NullWhenEmpty(bytes);
        blkio.IoServicedRecursive = NullWhenEmpty(serviced);
    }

    /// <summary>
    /// One v1 blkio file: "MAJ:MIN Op N" lines (or "MAJ:MIN N" for time and sectors), the
    /// closing "Total N" left out; null when the file is missing or has no entries.
    /// </summary>
    public static List<BlkioEntry>? Parse(string text, string path)
    {
        var entries = new List<BlkioEntry>();
        foreach (var line in CgroupFiles.Lines(text))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && fields[0] == "Total")
            {
                continue;
            }
            if (fields.Length is not (2 or 3))
            {
                throw CgroupFiles.Malformed(path, line, "\"MAJ:MIN [Op] N\"");
            }
            var (major, minor) = ParseDevice(fields[0], path, line);
            entries.Add(new BlkioEntry
            {
                Major = major,
                Minor = minor,
                Op = fields.Length == 3 ? fields[1] : null,
                Value = CgroupFiles.ParseNumber(fields[^1], path),
            });
        }
        return NullWhenEmpty(entries);
    }

    private static void ReadScheduler(string directory, string prefix, BlkioStats blkio)
    {
        blkio.IoServiceBytesRecursive = Read(directory, prefix + "io_service_bytes_recursive");
        blkio.IoServicedRecursive = Read(directory, prefix + "io_serviced_recursive");
        blkio.IoQueuedRecursive = Read(directory, prefix + "io_queued_recursive");
        blkio.IoServiceTimeRecursive = Read(directory, prefix + "io_service_time_recursive");
        blkio.IoWaitTimeRecursive = Read(directory, prefix + "io_wait_time_recursive");
        blkio.IoMergedRecursive = Read(directory, prefix + "io_merged_recursive");
        blkio.IoTimeRecursive = Read(directory, prefix + "time_recursive");
        blkio.SectorsRecursive = Read(directory, prefix + "sectors_recursive");
    }

    private static bool HasEntries(string directory, string file) => Read(directory, file) is not null;

    private static List<BlkioEntry>? Read(string directory, string file) =>
        CgroupFiles.ReadText(directory, file) is { } text ? Parse(text, Path.Combine(directory, file)) : null;

    private static (ulong Major, ulong Minor) ParseDevice(string field, string path, string line)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !ulong.TryParse(field.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !ulong.TryParse(field.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            throw CgroupFiles.Malformed(path, line, "a device as MAJ:MIN first");
        }
        return (major, minor);
    }

    private static List<BlkioEntry>? NullWhenEmpty(List<BlkioEntry> entries) => entries.Count == 0 ? null : entries;
}
