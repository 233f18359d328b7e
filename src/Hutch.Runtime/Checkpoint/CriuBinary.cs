using Hutch.Runtime.Checkpoint.Rpc;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// Which criu hutch runs (the global --criu PATH, else `criu` found on PATH, as runc) and whether
/// it is new enough: its version comes over the RPC (a VERSION request). hutch is tested with
/// criu 4.x; 3.15 is the oldest that has everything hutch asks for (external pid namespaces,
/// the cgroup v2 freezer, notifications for status-ready).
/// </summary>
internal static class CriuBinary
{
    /// <summary>major * 10000 + minor * 100 + sublevel, CRIU's own encoding.</summary>
    public const int MinimumVersion = 31500;

    public static string Resolve(string? given)
    {
        var name = string.IsNullOrEmpty(given) ? "criu" : given;
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(name);
            if (!File.Exists(full))
            {
                throw new CriuException($"--criu {name}: no such file; install criu 4.0 or newer, or point --criu at it");
            }
            return full;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            if (directory.Length == 0)
            {
                continue;
            }
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && Hutch.Linux.Interop.Libc.access(candidate, Hutch.Linux.Interop.Libc.X_OK) == 0)
            {
                return candidate;
            }
        }
        throw new CriuException($"checkpoint/restore needs CRIU: `{name}` is not on PATH; install criu 4.0 or newer, or pass --criu PATH");
    }

    /// <summary>Asks <paramref name="path"/> its version; throws when it is older than <see cref="MinimumVersion"/>.</summary>
    public static int CheckVersion(string path)
    {
        var response = new CriuSession(path).Call(new CriuRequest { Type = CriuReqType.Version });
        if (response.Version is not { } version)
        {
            throw new CriuException($"{path} did not report its version (is it criu?)");
        }
        var number = (version.MajorNumber * 10000) + (version.MinorNumber * 100) + (version.HasSublevel ? version.Sublevel : 0);
        if (number < MinimumVersion)
        {
            throw new CriuException(
                $"{path} is criu {version.MajorNumber}.{version.MinorNumber}: hutch needs criu 3.15 or newer (4.0 or newer recommended); install a newer criu or pass --criu PATH");
        }
        return number;
    }

    /// <summary>
    /// Whether this criu and kernel can do what <paramref name="wanted"/> asks (a FEATURE_CHECK
    /// request): memory tracking (soft-dirty bits, for pre-dump) and lazy pages (userfaultfd).
    /// </summary>
    public static CriuFeatures Features(string path, CriuFeatures wanted)
    {
        var response = new CriuSession(path).Call(new CriuRequest
        {
            Type = CriuReqType.FeatureCheck,
            // criu before 2.12 crashed on a request without options; harmless since.
            Opts = new CriuOpts { ImagesDirFd = -1 },
            Features = wanted,
        });
        return response.Features ?? new CriuFeatures();
    }
}
