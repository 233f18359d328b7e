using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// A podman of its own for one test class: storage, runroot and tmpdir in a temp folder (the
/// host's /var/lib/containers is never touched), cgroupfs, vfs, events in a file, bin/hutch as
/// the runtime, and a busybox image imported from <see cref="ContainerHost.Rootfs"/> (no registry).
/// Dispose removes every container and image, the state hutch keeps under its default root
/// for each container podman made, and the folder.
/// </summary>
public sealed class PodmanHost : IDisposable
{
    /// <summary>The image every test runs (imported on first use).</summary>
    public const string Image = "localhost/hutch-busybox:clients";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly Lazy<bool> _imported;
    private readonly string _work;

    public PodmanHost()
    {
        _work = Directory.CreateTempSubdirectory("hutch-podman-").FullName;
        _imported = new Lazy<bool>(Import);
    }

    /// <summary>podman's global options: hutch, private storage, no systemd, no overlay.</summary>
    private IEnumerable<string> GlobalOptions =>
    [
        "--runtime", HutchBinary.PathName,
        "--root", Path.Combine(_work, "storage"),
        "--runroot", Path.Combine(_work, "run"),
        "--tmpdir", Path.Combine(_work, "tmp"),
        "--cgroup-manager", "cgroupfs",
        "--storage-driver", "vfs",
        "--events-backend", "file",
    ];

    /// <summary>
    /// `podman run` options every test needs here: this VM's hard nofile limit (20000) is below
    /// podman's default (1048576); no network (the default bridge would change the host's
    /// devices and firewall); seccomp unconfined until hutch loads libseccomp before pivot_root
    /// (docs/clients.md, "What does not work yet").
    /// </summary>
    public static IReadOnlyList<string> RunOptions { get; } =
    [
        "--ulimit", "nofile=1024:1024",
        "--ulimit", "nproc=1024:1024",
        "--network", "none",
        "--security-opt", "seccomp=unconfined",
    ];

    /// <summary>A unique container name.</summary>
    public static string NewName() => "hutch-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Runs `podman GLOBAL args...` (the image is imported first).</summary>
    public Outcome Podman(params string[] args)
    {
        _ = _imported.Value;
        return PodmanRaw(args);
    }

    /// <summary>
    /// Runs `podman GLOBAL args...` on a terminal: `script -qfec "podman ..." /dev/null` gives
    /// podman a pty of its own, so `run -it` has a real terminal to put in raw mode.
    /// </summary>
    public Outcome PodmanOnTerminal(params string[] args)
    {
        _ = _imported.Value;
        var line = ClientProcess.ShellLine(new[] { ClientRequirements.FindProgram("podman")! }.Concat(GlobalOptions).Concat(args));
        return ClientProcess.Run(_work, Deadline, "script", ["-qfec", line, "/dev/null"], holdStdin: true);
    }

    private Outcome PodmanRaw(params string[] args) =>
        ClientProcess.Run(_work, Deadline, "podman", GlobalOptions.Concat(args));

    /// <summary>
    /// Runs `podman GLOBAL args...` with <paramref name="runtime"/> ("runc", or hutch's path) as
    /// the runtime and <paramref name="path"/> first in PATH (where podman and the runtime find
    /// `criu`: podman asks criu its version itself, over CRIU's RPC).
    /// </summary>
    public Outcome PodmanWith(string runtime, string path, params string[] args)
    {
        _ = _imported.Value;
        var options = GlobalOptions.ToList();
        options[options.IndexOf("--runtime") + 1] = runtime;
        var environment = new Dictionary<string, string> { ["PATH"] = path + ":" + Environment.GetEnvironmentVariable("PATH") };
        return ClientProcess.Run(_work, TimeSpan.FromSeconds(60), "podman", options.Concat(args), environment);
    }

    /// <summary>A file under this host's folder (removed with it).</summary>
    public string FileIn(string name) => Path.Combine(_work, name);

    private bool Import()
    {
        var tarball = Path.Combine(_work, "busybox.tar");
        ContainerHost.HostCommand("tar", "-C", ContainerHost.Rootfs, "-cf", tarball, ".");
        var imported = PodmanRaw("import", tarball, Image);
        File.Delete(tarball);
        return imported.ExitCode == 0 ? true : throw new InvalidOperationException("podman import failed: " + imported);
    }

    public void Dispose()
    {
        try
        {
            if (_imported.IsValueCreated)
            {
                var ids = PodmanRaw("ps", "--all", "--quiet", "--no-trunc").Stdout
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                PodmanRaw("rm", "--all", "--force", "--time", "0");
                PodmanRaw("rmi", "--all", "--force");
                // podman passes no --root: hutch keeps each container's state under /run/hutch.
                foreach (var id in ids)
                {
                    HutchBinary.Run(null, "delete", "--force", id);
                }
            }
        }
        finally
        {
            UnmountUnder(_work);
            Directory.Delete(_work, recursive: true);
            ClientCgroups.RemoveEmpty("libpod_parent/conmon", "libpod_parent");
        }
    }

    /// <summary>Lazily unmounts whatever podman left mounted under the folder (a container's /dev/shm), deepest first.</summary>
    internal static void UnmountUnder(string folder)
    {
        var mountPoints = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(folder + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length);
        foreach (var point in mountPoints)
        {
            try
            {
                ContainerHost.HostCommand("umount", "-l", point);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
