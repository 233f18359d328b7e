using System.Globalization;
using Hutch.Tests.Clients;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Rootless;

/// <summary>
/// A real unprivileged user for one test class: made with useradd under a unique name, with a
/// home and an XDG_RUNTIME_DIR (0700, the user's) in a temp folder, subordinate id ranges in
/// /etc/subuid and /etc/subgid (useradd's, or a free range added with usermod), its own copy of
/// bin/hutch (the checkout may not be traversable by others) and a busybox rootfs it owns.
/// Commands run as the user through runuser with a clean environment (no systemd or logind here).
/// Dispose ends every process of the uid (rootless podman leaves its pause process), removes
/// the ranges, the user and its home (podman's storage), its lock segment in /dev/shm, and the
/// folder.
/// </summary>
public sealed class RootlessUser : IDisposable
{
    private const uint SubordinateCount = 65536;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _work;
    private bool _created;

    public RootlessUser()
    {
        Name = "hrl" + Guid.NewGuid().ToString("N")[..12];
        _work = Directory.CreateTempSubdirectory("hutch-rootless-").FullName;
        try
        {
            Chmod("755", _work);
            Home = Path.Combine(_work, "home");
            RuntimeDir = Path.Combine(_work, "run");
            ContainerHost.HostCommand("useradd", "--home-dir", Home, "--create-home", "--shell", "/bin/sh", "--user-group", Name);
            _created = true;
            Uid = uint.Parse(ContainerHost.HostCommand("id", "-u", Name).Trim(), CultureInfo.InvariantCulture);
            Gid = uint.Parse(ContainerHost.HostCommand("id", "-g", Name).Trim(), CultureInfo.InvariantCulture);
            EnsureSubordinateIds();
            Directory.CreateDirectory(RuntimeDir);
            ContainerHost.HostCommand("chown", $"{Uid}:{Gid}", RuntimeDir);
            Chmod("700", RuntimeDir);

            var bin = Path.Combine(_work, "bin");
            Directory.CreateDirectory(bin);
            Chmod("755", bin);
            Hutch = Path.Combine(bin, "hutch");
            File.Copy(HutchBinary.PathName, Hutch);
            Chmod("755", Hutch);

            // A rootfs of the user's own: `hutch spec --rootless` bundles are the user's files.
            Rootfs = Path.Combine(Home, "rootfs");
            ContainerHost.HostCommand("cp", "-a", ContainerHost.Rootfs, Rootfs);
            ContainerHost.HostCommand("chown", "-R", $"{Uid}:{Gid}", Rootfs);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    public string Home { get; }

    /// <summary>The user's XDG_RUNTIME_DIR (what pam_systemd would have made: /run/user/UID).</summary>
    public string RuntimeDir { get; }

    /// <summary>The user's copy of bin/hutch.</summary>
    public string Hutch { get; }

    /// <summary>A busybox rootfs the user owns.</summary>
    public string Rootfs { get; }

    /// <summary>A new folder in the user's home, owned by the user.</summary>
    public string NewDirectory(string prefix)
    {
        var dir = Path.Combine(Home, prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        ContainerHost.HostCommand("chown", $"{Uid}:{Gid}", dir);
        return dir;
    }

    /// <summary>Runs <paramref name="program"/> as the user in <paramref name="workDirectory"/> (default: the home).</summary>
    public Outcome Run(string? workDirectory, string program, params string[] args) =>
        ClientProcess.Run(workDirectory ?? Home, Deadline, "runuser",
            ["-u", Name, "--", "env", "-i", .. Environment(), program, .. args]);

    /// <summary>
    /// Runs <paramref name="program"/> as the user from inside the cgroups <paramref name="cgroupDirs"/>
    /// (root moves the shell there first, then drops to the user): a runtime started in a cgroup
    /// delegated to the user.
    /// </summary>
    public Outcome RunInCgroups(IEnumerable<string> cgroupDirs, string? workDirectory, string program, params string[] args)
    {
        var moves = string.Join(" && ", cgroupDirs.Select(dir => $"echo $$ > {ClientProcess.ShellQuote(Path.Combine(dir, "cgroup.procs"))}"));
        var line = ClientProcess.ShellLine(["runuser", "-u", Name, "--", "env", "-i", .. Environment(), program, .. args]);
        return ClientProcess.Run(workDirectory ?? Home, Deadline, "/bin/sh", ["-c", $"{moves} && exec {line}"]);
    }

    /// <summary>The environment of a login without systemd: what the user's shell would have.</summary>
    private IEnumerable<string> Environment() =>
    [
        "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME=" + Home,
        "USER=" + Name,
        "LOGNAME=" + Name,
        "XDG_RUNTIME_DIR=" + RuntimeDir,
    ];

    /// <summary>useradd gives ranges when /etc/subuid exists; otherwise add a free range after every existing one.</summary>
    private void EnsureSubordinateIds()
    {
        foreach (var (file, option) in new[] { ("/etc/subuid", "--add-subuids"), ("/etc/subgid", "--add-subgids") })
        {
            if (Ranges(file).Any(range => range.Owner == Name || range.Owner == Uid.ToString(CultureInfo.InvariantCulture)))
            {
                continue;
            }
            var start = Math.Max(1_000_000u, Ranges(file).Select(range => range.Start + range.Count).DefaultIfEmpty(0u).Max());
            ContainerHost.HostCommand("usermod", option, $"{start}-{start + SubordinateCount - 1}", Name);
        }
    }

    private static IEnumerable<(string Owner, uint Start, uint Count)> Ranges(string file)
    {
        if (!File.Exists(file))
        {
            yield break;
        }
        foreach (var line in File.ReadAllLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length == 3
                && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                yield return (fields[0], start, count);
            }
        }
    }

    /// <summary>The user's first range in /etc/subuid (<paramref name="gids"/>: /etc/subgid).</summary>
    public (uint Start, uint Count) SubordinateRange(bool gids)
    {
        var range = Ranges(gids ? "/etc/subgid" : "/etc/subuid").First(r => r.Owner == Name);
        return (range.Start, range.Count);
    }

    /// <summary>The lines of /etc/subuid and /etc/subgid that name this user (empty after Dispose).</summary>
    public IReadOnlyList<string> SubordinateLines() =>
        new[] { "/etc/subuid", "/etc/subgid" }.Where(File.Exists)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.StartsWith(Name + ":", StringComparison.Ordinal))
            .ToList();

    /// <summary>The pids whose real uid is the user's.</summary>
    public IReadOnlyList<int> Processes()
    {
        var pids = new List<int>();
        if (!_created)
        {
            return pids;
        }
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var uid = File.ReadLines(Path.Combine(proc, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (uid?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == Uid.ToString(CultureInfo.InvariantCulture))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }

    public void Dispose()
    {
        var failures = new List<string>();
        if (_created)
        {
            EndProcesses(failures);
            foreach (var (file, option) in new[] { ("/etc/subuid", "--del-subuids"), ("/etc/subgid", "--del-subgids") })
            {
                foreach (var (_, start, count) in Ranges(file).Where(range => range.Owner == Name).ToList())
                {
                    Try(failures, () => ContainerHost.HostCommand("usermod", option, $"{start}-{start + count - 1}", Name));
                }
            }
            Try(failures, () => ContainerHost.HostCommand("userdel", "--remove", Name));
            Try(failures, () => File.Delete("/dev/shm/libpod_rootless_lock_" + Uid.ToString(CultureInfo.InvariantCulture)));
        }
        Try(failures, () =>
        {
            PodmanHost.UnmountUnder(_work);
            Directory.Delete(_work, recursive: true);
        });
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"cleaning up the rootless user {Name} failed: {string.Join("; ", failures)}");
        }
    }

    /// <summary>SIGKILL to each of the user's processes, by pid, until none is left (a deadline bounds it).</summary>
    private void EndProcesses(List<string> failures)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Processes() is { Count: > 0 } left)
        {
            if (DateTime.UtcNow > deadline)
            {
                failures.Add($"processes of {Name} still alive: {string.Join(", ", left)}");
                return;
            }
            foreach (var pid in left)
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                }
            }
            Thread.Sleep(20);
        }
    }

    private static void Try(List<string> failures, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            failures.Add(e.Message);
        }
    }

    private static void Chmod(string mode, string path) => ContainerHost.HostCommand("chmod", mode, path);
}

/// <summary>A test run as a real unprivileged user: needs root (to make the user), bin/hutch, busybox and runuser/useradd.</summary>
public sealed class RootlessFactAttribute : FactAttribute
{
    public RootlessFactAttribute()
    {
        Skip = ClientRequirements.Missing(("useradd", "passwd"), ("usermod", "passwd"), ("userdel", "passwd"), ("runuser", "util-linux"),
            ("runc", "runc"));
    }
}

/// <summary>A rootless podman test: also podman, conmon, newuidmap/newgidmap (uidmap) and tar.</summary>
public sealed class RootlessPodmanFactAttribute : FactAttribute
{
    public RootlessPodmanFactAttribute()
    {
        Skip = ClientRequirements.Missing(("useradd", "passwd"), ("usermod", "passwd"), ("userdel", "passwd"), ("runuser", "util-linux"),
            ("runc", "runc"), ("podman", "podman"), ("conmon", "podman"), ("newuidmap", "uidmap"), ("newgidmap", "uidmap"), ("tar", "tar"));
    }
}
