using System.Diagnostics;
using System.Globalization;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// A dedicated --root for one test class, bundles made from `hutch spec`'s defaults over a
/// busybox rootfs built once per test run, and bin/hutch invocations whose stdio are files
/// (a created container's init keeps the caller's stdio open, so pipes would never reach EOF).
/// Dispose force-deletes every container the class created and removes the root.
/// </summary>
public sealed class ContainerHost : IDisposable
{
    private static readonly Lazy<string> SharedRootfs = new(BuildRootfs);
    private readonly List<string> _ids = [];
    private readonly string _work;

    public ContainerHost()
    {
        _work = Directory.CreateTempSubdirectory("hutch-it-").FullName;
        Root = Path.Combine(_work, "root");
    }

    /// <summary>The --root of this class's containers.</summary>
    public string Root { get; }

    /// <summary>The busybox rootfs (shared, read by every container).</summary>
    public static string Rootfs => SharedRootfs.Value;

    /// <summary>A new unique container id, force-deleted in Dispose.</summary>
    public string NewId(string prefix = "it")
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N")[..12];
        lock (_ids)
        {
            _ids.Add(id);
        }
        return id;
    }

    /// <summary>A bundle whose config.json is the default spec (no terminal), edited by <paramref name="edit"/>.</summary>
    internal string Bundle(Action<ContainerConfig>? edit = null)
    {
        var bundle = Path.Combine(_work, "bundle-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(bundle);
        var config = DefaultConfig.Create();
        config.Root!.Path = Rootfs;
        config.Process!.Terminal = false;
        config.Process.Args = ["true"];
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(bundle, "config.json"), ConfigJson.Serialize(config));
        return bundle;
    }

    /// <summary>Runs `bin/hutch --root ROOT args...` with stdin /dev/null and stdout, stderr in files.</summary>
    public Outcome Hutch(params string[] args) => HutchIn(null, args);

    public Outcome HutchIn(string? workingDirectory, params string[] args) => HutchAt(Root, workingDirectory, args);

    /// <summary>Runs `bin/hutch --root <paramref name="root"/> args...` (another root than this class's), stdio as in <see cref="Hutch"/>.</summary>
    public Outcome HutchAt(string root, string? workingDirectory, params string[] args) => Run([], root, workingDirectory, args);

    /// <summary>Runs `PREFIX... bin/hutch --root ROOT args...` (e.g. nsenter --net=PATH) as <see cref="Hutch"/> does.</summary>
    public Outcome HutchVia(string[] prefix, string? workingDirectory, params string[] args) => Run(prefix, Root, workingDirectory, args);

    private Outcome Run(string[] prefix, string root, string? workingDirectory, string[] args)
    {
        var tag = Guid.NewGuid().ToString("N");
        var stdout = Path.Combine(_work, tag + ".out");
        var stderr = Path.Combine(_work, tag + ".err");
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? _work,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >\"$HUTCH_IT_OUT\" 2>\"$HUTCH_IT_ERR\"");
        foreach (var word in prefix)
        {
            start.ArgumentList.Add(word);
        }
        start.ArgumentList.Add(HutchBinary.PathName);
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(root);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["HUTCH_IT_OUT"] = stdout;
        start.Environment["HUTCH_IT_ERR"] = stderr;
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("cannot start /bin/sh");
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"hutch {string.Join(' ', args)} did not exit within 60 s");
        }
        var outcome = new Outcome(process.ExitCode, File.ReadAllText(stdout), File.ReadAllText(stderr));
        File.Delete(stdout);
        File.Delete(stderr);
        return outcome;
    }

    /// <summary>Runs a host program (ip, readlink ...) and returns its stdout; throws on a non-zero exit.</summary>
    public static string HostCommand(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
    }

    /// <summary>True when some process holds an fd on a path under this class's --root (an init left behind).</summary>
    public bool AnyProcessHoldsRoot()
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(proc, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(Root + "/", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var id in _ids)
        {
            try
            {
                Hutch("delete", "--force", id);
            }
            catch (TimeoutException)
            {
            }
        }
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Pids on the host whose pid namespace is <paramref name="initPid"/>'s.</summary>
    internal static List<int> PidsInNamespaceOf(int initPid)
    {
        var ns = new FileInfo($"/proc/{initPid}/ns/pid").LinkTarget;
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    if (new FileInfo($"{dir}/ns/pid").LinkTarget == ns)
                    {
                        pids.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        return pids;
    }

    private static string BuildRootfs()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("hutch-it-rootfs-").FullName, "rootfs");
        HostCommand("/bin/bash", Path.Combine(Host.RepoRoot, "tests", "tools", "busybox-rootfs.sh"), dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    }
}

/// <summary>What one hutch invocation did.</summary>
public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
}

/// <summary>A test of real containers: needs root and bin/hutch (skipped with the reason otherwise).</summary>
public sealed class ContainerFactAttribute : FactAttribute
{
    public ContainerFactAttribute()
    {
        Skip = ContainerRequirements.Missing();
    }
}

/// <summary>A theory that runs containers through bin/hutch (the requirements of <see cref="ContainerFactAttribute"/>).</summary>
public sealed class ContainerTheoryAttribute : TheoryAttribute
{
    public ContainerTheoryAttribute()
    {
        Skip = ContainerRequirements.Missing();
    }

    /// <summary>The host has systemd's named v1 hierarchy mounted at /sys/fs/cgroup/systemd (a v1 or hybrid systemd host).</summary>
    public bool NeedsSystemdHierarchy
    {
        get => false;
        init
        {
            if (value && Skip is null && !ContainerRequirements.HasSystemdHierarchy())
            {
                Skip = "needs the name=systemd v1 hierarchy at /sys/fs/cgroup/systemd (a v1 or hybrid systemd host); this host has none";
            }
        }
    }
}

internal static class ContainerRequirements
{
    /// <summary>Why containers cannot run here, or null.</summary>
    public static string? Missing() =>
        !Host.IsRoot ? "needs root (run the suite as root: sudo make test)"
        : !HutchBinary.Exists ? "bin/hutch is missing: run make first (make test builds it)"
        : !File.Exists("/bin/busybox") ? "/bin/busybox is missing: apt-get install -y busybox-static"
        : null;

    public static bool HasSystemdHierarchy() =>
        Hutch.Linux.Mounts.MountInfo.Parse(File.ReadAllText("/proc/self/mountinfo"))
            .Any(m => m.FsType == "cgroup" && m.MountPoint == "/sys/fs/cgroup/systemd" && m.SuperOptions.Contains("name=systemd"));
}
