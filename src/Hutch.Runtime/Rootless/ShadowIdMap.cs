using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;

namespace Hutch.Runtime.Rootless;

/// <summary>
/// Id maps an unprivileged user cannot write itself: the kernel lets it map only its own uid and
/// gid (one line each, setgroups denied). More (its /etc/subuid and /etc/subgid ranges) takes the
/// setuid helpers newuidmap and newgidmap (shadow's, Debian's `uidmap` package), which check the
/// ranges and write the maps, as runc does for a rootless config with several mappings.
/// </summary>
internal static class ShadowIdMap
{
    /// <summary>Where the helpers are looked for, after PATH.</summary>
    private static readonly string[] Folders = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    /// <summary>True when a caller with <paramref name="euid"/>/<paramref name="egid"/> (not root) cannot write these maps itself.</summary>
    public static bool Needed(IReadOnlyList<IdMapEntry> uids, IReadOnlyList<IdMapEntry> gids, uint euid, uint egid) =>
        !OwnIdOnly(uids, euid) || !OwnIdOnly(gids, egid);

    /// <summary>Runs newuidmap then newgidmap for <paramref name="pid"/>; throws NamespaceException with their output.</summary>
    public static void Write(int pid, IReadOnlyList<IdMapEntry> uids, IReadOnlyList<IdMapEntry> gids)
    {
        if (uids.Count > 0)
        {
            Run("newuidmap", pid, uids);
        }
        if (gids.Count > 0)
        {
            Run("newgidmap", pid, gids);
        }
    }

    private static bool OwnIdOnly(IReadOnlyList<IdMapEntry> entries, uint id) =>
        entries.Count == 0 || (entries.Count == 1 && entries[0].HostId == id && entries[0].Size == 1);

    private static void Run(string helper, int pid, IReadOnlyList<IdMapEntry> entries)
    {
        var path = Find(helper) ?? throw new NamespaceException(
            $"map the ids {Describe(entries)} of the container's user namespace: {helper} is not installed " +
            "(an unprivileged user may map only its own id; more needs the setuid helpers: apt-get install uidmap), " +
            "or map only your own uid and gid (hutch spec --rootless)");
        var argv = new List<string> { helper, pid.ToString(CultureInfo.InvariantCulture) };
        foreach (var entry in entries)
        {
            argv.Add(entry.ContainerId.ToString(CultureInfo.InvariantCulture));
            argv.Add(entry.HostId.ToString(CultureInfo.InvariantCulture));
            argv.Add(entry.Size.ToString(CultureInfo.InvariantCulture));
        }
        var rc = Libc.Pipe(out var read, out var write);
        if (rc < 0)
        {
            throw new NamespaceException($"run {helper}: cannot create its output pipe: {Errno.Describe(-rc)}");
        }
        using (read)
        {
            ExitStatus status;
            using (write)
            {
                using var devNull = OpenDevNull();
                using var process = Spawner.Spawn(new SpawnPlan
                {
                    Path = path,
                    Argv = argv,
                    Envp = [],
                    Fds = [new FdMapping(devNull, 0), new FdMapping(write, 1), new FdMapping(write, 2)],
                });
                write.Dispose();
                // Its output (an error line at most) fits in the pipe: read after it exits.
                status = process.WaitForExit();
            }
            if (!status.Exited || status.ExitCode != 0)
            {
                throw new NamespaceException(
                    $"{string.Join(' ', argv)} failed ({status}): {ReadAll(read).Trim()} " +
                    $"(the host ids must be the user's own or in its ranges in /etc/sub{(helper == "newuidmap" ? "uid" : "gid")})");
            }
        }
    }

    private static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(Folders)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }

    private static SafeFd OpenDevNull()
    {
        var rc = Libc.OpenAt(null, "/dev/null", Libc.O_RDONLY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new NamespaceException("open /dev/null", "/dev/null", -rc);
        }
        return fd;
    }

    private static string ReadAll(SafeFd fd)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = Libc.Read(fd, buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static string Describe(IReadOnlyList<IdMapEntry> entries) =>
        string.Join(", ", entries.Select(e => $"{e.ContainerId}:{e.HostId}:{e.Size}"));
}
