using Hutch.Tests.Clients;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Rootless;

/// <summary>
/// Rootless podman (4.3, conmon, the user's own user namespace from /etc/subuid) driving hutch,
/// configured as docs/clients.md says (~/.config/containers/containers.conf with hutch as the
/// runtime and in runtime_supports_json), each case also run with `--runtime runc`: `run --rm
/// --network none`, `run -d` + `exec` + `stop`, `--userns=keep-id`, an error read as JSON.
/// podman passes no --root: hutch, uid 0 in podman's namespace, keeps its state in
/// $XDG_RUNTIME_DIR/hutch.
/// </summary>
public sealed class RootlessPodmanTests : IClassFixture<RootlessUser>
{
    private const string Image = "localhost/hutch-busybox:rootless";
    private readonly RootlessUser _user;
    private readonly Lazy<bool> _imported;

    public RootlessPodmanTests(RootlessUser user)
    {
        _user = user;
        _imported = new Lazy<bool>(Import);
    }

    /// <summary>hutch through containers.conf (no --runtime), then runc by name.</summary>
    private static string[][] Runtimes => [[], ["--runtime", "runc"]];

    [RootlessPodmanFact]
    public void Run_rm_with_no_network_works_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var run = Podman([.. runtime, "run", "--rm", "--network", "none", Image, "sh", "-c", "id -u; cat /proc/self/uid_map | head -1"]);

            Assert.True(run.ExitCode == 0, $"{Describe(runtime)}: {run}");
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("0", lines[0]);
            Assert.Equal(["0", _user.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"],
                lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_user.RuntimeDir, "hutch")));
    }

    [RootlessPodmanFact]
    public void Run_d_exec_and_stop_work_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var name = "hrl-" + Guid.NewGuid().ToString("N")[..12];
            var started = Podman([.. runtime, "run", "-d", "--name", name, "--network", "none", Image,
                "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]);
            Assert.True(started.ExitCode == 0, $"{Describe(runtime)}: {started}");
            try
            {
                var exec = Podman("exec", name, "sh", "-c", "echo exec-ok; exit 5");
                Assert.Equal(5, exec.ExitCode);
                Assert.Equal("exec-ok\n", exec.Stdout);

                var stop = Podman("stop", "--time", "20", name);
                Assert.True(stop.ExitCode == 0, $"{Describe(runtime)}: {stop}");
                Assert.Equal("exited 0", Podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name).Stdout.Trim());
            }
            finally
            {
                Podman("rm", "--force", "--time", "0", name);
            }
        }
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_user.RuntimeDir, "hutch")));
    }

    [RootlessPodmanFact]
    public void Userns_keep_id_runs_as_the_users_own_id_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var run = Podman([.. runtime, "run", "--rm", "--network", "none", "--userns=keep-id", Image, "id", "-u"]);

            Assert.True(run.ExitCode == 0, $"{Describe(runtime)}: {run}");
            Assert.Equal(_user.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Stdout.Trim());
        }
    }

    [RootlessPodmanFact]
    public void An_error_reaches_podman_as_json_once_prefixed()
    {
        var hutch = Podman("run", "--rm", "--network", "none", Image, "/nosuch");
        var runc = Podman("--runtime", "runc", "run", "--rm", "--network", "none", Image, "/nosuch");

        Assert.Equal(127, hutch.ExitCode);
        Assert.Equal(127, runc.ExitCode);
        // runtime_supports_json: podman reads hutch's log record, not its stderr, and names the runtime once.
        Assert.Contains("Error: hutch: exec: \"/nosuch\": no such file or directory", hutch.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hutch: hutch:", hutch.Stderr, StringComparison.Ordinal);
        Assert.Contains("Error: runc: ", runc.Stderr, StringComparison.Ordinal);
    }

    private static string Describe(string[] runtime) => runtime.Length == 0 ? "hutch (containers.conf)" : string.Join(' ', runtime);

    private Outcome Podman(params string[] args)
    {
        _ = _imported.Value;
        return PodmanRaw(args);
    }

    /// <summary>
    /// `podman ARGS` as the user: cgroupfs (no systemd here), events in a file, vfs storage in the
    /// user's home, the runtime from containers.conf unless ARGS name one.
    /// </summary>
    private Outcome PodmanRaw(params string[] args) =>
        _user.Run(null, "podman", ["--cgroup-manager", "cgroupfs", "--events-backend", "file", "--storage-driver", "vfs", .. args]);

    private bool Import()
    {
        // What docs/clients.md tells a rootless podman user to write.
        var config = Path.Combine(_user.Home, ".config", "containers");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "containers.conf"), $"""
            [engine]
            runtime = "hutch"
            runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "hutch"]

            [engine.runtimes]
            hutch = ["{_user.Hutch}"]
            """);
        ContainerHost.HostCommand("chown", "-R", $"{_user.Uid}:{_user.Gid}", Path.Combine(_user.Home, ".config"));

        var tarball = Path.Combine(_user.Home, "busybox.tar");
        ContainerHost.HostCommand("tar", "-C", _user.Rootfs, "-cf", tarball, ".");
        ContainerHost.HostCommand("chown", $"{_user.Uid}:{_user.Gid}", tarball);
        var imported = PodmanRaw("import", tarball, Image);
        File.Delete(tarball);
        return imported.ExitCode == 0 ? true : throw new InvalidOperationException("podman import failed: " + imported);
    }
}
