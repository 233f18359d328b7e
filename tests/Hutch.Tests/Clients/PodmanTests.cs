namespace Hutch.Tests.Clients;

/// <summary>
/// podman (4.3, with conmon) driving bin/hutch: `run --rm` (create, start, delete --force),
/// exit statuses, `run -it` (--console-socket), `run -d` then `stop` (kill 15, delete --force).
/// </summary>
public sealed class PodmanTests(PodmanHost podman) : IClassFixture<PodmanHost>
{
    [PodmanFact]
    public void Run_rm_true_exits_0_and_leaves_no_container_behind()
    {
        var name = PodmanHost.NewName();

        var run = podman.Podman(["run", "--rm", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image, "true"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var left = podman.Podman("ps", "--all", "--filter", "name=" + name, "--quiet");
        Assert.Equal("", left.Stdout.Trim());
    }

    [PodmanFact]
    public void Run_rm_echo_prints_to_podman_stdout()
    {
        var run = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), .. PodmanHost.RunOptions, PodmanHost.Image, "echo", "hi from hutch"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hi from hutch\n", run.Stdout);
    }

    [PodmanFact]
    public void Run_returns_the_process_exit_status_and_127_for_a_missing_executable()
    {
        var exits = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), .. PodmanHost.RunOptions, PodmanHost.Image, "sh", "-c", "exit 3"]);
        var missing = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), .. PodmanHost.RunOptions, PodmanHost.Image, "/nosuch"]);

        Assert.True(exits.ExitCode == 3, exits.ToString());
        // hutch fails create with runc's text; podman matches it and maps it to 127.
        Assert.True(missing.ExitCode == 127, missing.ToString());
        Assert.Contains("exec: \"/nosuch\": no such file or directory", missing.Stderr, StringComparison.Ordinal);
    }

    [PodmanFact]
    public void Run_it_gives_the_process_a_terminal_through_the_console_socket()
    {
        var run = podman.PodmanOnTerminal(["run", "--rm", "-it", "--name", PodmanHost.NewName(), .. PodmanHost.RunOptions, PodmanHost.Image,
            "sh", "-c", "tty; echo on-a-terminal; exit 4"]);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Matches(@"/dev/pts/\d+", run.Stdout);
        Assert.Contains("on-a-terminal", run.Stdout, StringComparison.Ordinal);
    }

    [PodmanFact]
    public void Run_d_then_stop_delivers_SIGTERM_and_records_the_exit_status()
    {
        var name = PodmanHost.NewName();
        var started = podman.Podman(["run", "-d", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image,
            "sh", "-c", "echo started; trap 'echo got-term; exit 0' TERM; while true; do sleep 0.1; done"]);
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Equal("running", Inspect(name, "{{.State.Status}}"));

        var stop = podman.Podman("stop", "--time", "10", name);

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("exited 0", Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"));
        var logs = podman.Podman("logs", name);
        Assert.Equal("started\ngot-term\n", logs.Stdout);
        var removed = podman.Podman("rm", name);
        Assert.True(removed.ExitCode == 0, removed.ToString());
    }

    [PodmanFact]
    public void Run_memory_and_pids_limits_reach_the_container_cgroup()
    {
        var run = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), "--memory", "64m", "--pids-limit", "33", .. PodmanHost.RunOptions,
            PodmanHost.Image, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/pids/pids.max"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("67108864\n33\n", run.Stdout);
    }

    [PodmanFact]
    public void Exec_pause_unpause_and_stats_of_a_running_container()
    {
        var name = PodmanHost.NewName();
        var started = podman.Podman(["run", "-d", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image,
            "sh", "-c", "while true; do sleep 0.1; done"]);
        Assert.True(started.ExitCode == 0, started.ToString());
        try
        {
            var exec = podman.Podman("exec", name, "sh", "-c", "echo from-exec; exit 4");
            Assert.Equal(4, exec.ExitCode);
            Assert.Equal("from-exec\n", exec.Stdout);

            var pause = podman.Podman("pause", name);
            Assert.True(pause.ExitCode == 0, pause.ToString());
            Assert.Equal("paused", Inspect(name, "{{.State.Status}}"));
            var unpause = podman.Podman("unpause", name);
            Assert.True(unpause.ExitCode == 0, unpause.ToString());
            Assert.Equal("running", Inspect(name, "{{.State.Status}}"));

            var stats = podman.Podman("stats", "--no-stream", "--format", "{{.PIDs}}", name);
            Assert.True(stats.ExitCode == 0, stats.ToString());
            Assert.True(int.Parse(stats.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) >= 1, stats.ToString());
        }
        finally
        {
            podman.Podman("rm", "--force", "--time", "0", name);
        }
    }

    [PodmanFact]
    public void Stop_of_a_process_that_ignores_SIGTERM_falls_back_to_SIGKILL()
    {
        var name = PodmanHost.NewName();
        var started = podman.Podman(["run", "-d", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image,
            "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]);
        Assert.True(started.ExitCode == 0, started.ToString());

        var stop = podman.Podman("stop", "--time", "1", name);

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("exited 137", Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"));
        podman.Podman("rm", name);
    }

    [PodmanFact]
    public void Run_with_podmans_default_seccomp_profile()
    {
        var run = podman.Podman("run", "--rm", "--name", PodmanHost.NewName(), "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
            "--network", "none", PodmanHost.Image, "sh", "-c", "grep Seccomp: /proc/self/status");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Seccomp:\t2\n", run.Stdout);
    }

    private string Inspect(string name, string format)
    {
        var inspect = podman.Podman("inspect", "--format", format, name);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        return inspect.Stdout.Trim();
    }
}
