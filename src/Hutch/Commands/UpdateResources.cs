using System.Globalization;
using Hutch.Linux;
using Hutch.Spec;
using Microsoft.Win32.SafeHandles;

namespace Hutch.Commands;

/// <summary>
/// What `update` asks for, as a linux.resources object: the JSON of --resources (a file, or "-"
/// for stdin, as containerd sends it), or else runc's flags. Sizes take runc's suffixes
/// (k, m, g, t, p; powers of 1024; "b" optional) and "-1" for unlimited.
/// </summary>
internal static class UpdateResources
{
    public static LinuxResources From(UpdateRequest request)
    {
        if (request.ResourcesFile is { } file)
        {
            return ResourcesJson.Parse(ReadResources(file), file == "-" ? "--resources (stdin)" : file);
        }
        if (request.L3CacheSchema is not null || request.MemBwSchema is not null)
        {
            throw new CommandFailedException("--l3-cache-schema and --mem-bw-schema need Intel RDT, which hutch does not support; drop them");
        }
        var r = new LinuxResources();
        if (request.Memory is not null || request.MemoryReservation is not null || request.MemorySwap is not null)
        {
            r.Memory = new LinuxMemory
            {
                Limit = Size(request.Memory, "--memory"),
                Reservation = Size(request.MemoryReservation, "--memory-reservation"),
                Swap = Size(request.MemorySwap, "--memory-swap"),
            };
        }
        if (request.CpuPeriod is not null || request.CpuQuota is not null || request.CpuBurst is not null || request.CpuShare is not null
            || request.CpuRtPeriod is not null || request.CpuRtRuntime is not null || request.CpusetCpus is not null
            || request.CpusetMems is not null || request.CpuIdle is not null)
        {
            r.Cpu = new LinuxCpu
            {
                Period = Unsigned(request.CpuPeriod, "--cpu-period"),
                Quota = Signed(request.CpuQuota, "--cpu-quota"),
                Burst = Unsigned(request.CpuBurst, "--cpu-burst"),
                Shares = Unsigned(request.CpuShare, "--cpu-share"),
                RealtimePeriod = Unsigned(request.CpuRtPeriod, "--cpu-rt-period"),
                RealtimeRuntime = Signed(request.CpuRtRuntime, "--cpu-rt-runtime"),
                Cpus = request.CpusetCpus,
                Mems = request.CpusetMems,
                Idle = Signed(request.CpuIdle, "--cpu-idle"),
            };
        }
        if (request.BlkioWeight is { } weight)
        {
            if (weight is < 10 or > 1000)
            {
                throw new CommandFailedException($"--blkio-weight {weight}: out of range; use 10 to 1000");
            }
            r.BlockIO = new LinuxBlockIO { Weight = (ushort)weight };
        }
        if (request.PidsLimit is { } pids)
        {
            r.Pids = new LinuxPids { Limit = pids };
        }
        return r;
    }

    private static byte[] ReadResources(string file)
    {
        try
        {
            if (file == "-")
            {
                using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read);
                using var buffer = new MemoryStream();
                stdin.CopyTo(buffer);
                return buffer.ToArray();
            }
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"--resources {file}: cannot read it: {IoErrors.Describe(e)}", e);
        }
    }

    /// <summary>runc's RAMInBytes: a number with an optional k/m/g/t/p suffix (1024-based, optional "b"/"ib"); "-1" is unlimited.</summary>
    internal static long? Size(string? text, string flag)
    {
        if (text is null)
        {
            return null;
        }
        if (text == "-1")
        {
            return -1;
        }
        var value = text.Trim().ToLowerInvariant();
        if (value.EndsWith("ib", StringComparison.Ordinal))
        {
            value = value[..^2];
        }
        else if (value.EndsWith('b'))
        {
            value = value[..^1];
        }
        var multiplier = 1L;
        if (value.Length > 0 && "kmgtp".IndexOf(value[^1], StringComparison.Ordinal) is var unit and >= 0)
        {
            multiplier = 1L << (10 * (unit + 1));
            value = value[..^1];
        }
        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || value.Length == 0)
        {
            throw new CommandFailedException($"{flag} \"{text}\": not a size; use bytes with an optional k, m, g suffix (e.g. 512m), or -1 for unlimited");
        }
        return (long)(number * multiplier);
    }

    private static ulong? Unsigned(string? text, string flag) =>
        text is null ? null
        : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
        : throw new CommandFailedException($"{flag} \"{text}\": not a number; use a non-negative integer");

    private static long? Signed(string? text, string flag) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
        : throw new CommandFailedException($"{flag} \"{text}\": not a number; use an integer");
}
