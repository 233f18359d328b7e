using System.Text.Json.Nodes;

namespace Hutch.Tests.Clients;

/// <summary>
/// containerd 1.6's `ctr run --rootfs` through the runc shim (containerd-shim-runc-v2) with
/// bin/hutch as its runc binary: every call carries `--root R --log B/log.json --log-format json`;
/// run --rm is create, start, delete, delete --force; errors come back from log.json.
/// </summary>
public sealed class ContainerdTests(ContainerdHost containerd) : IClassFixture<ContainerdHost>
{
    [ContainerdFact]
    public void Ctr_run_rm_echo_prints_through_the_shim()
    {
        var run = containerd.Run(["--rm"], containerd.NewId(), "/bin/echo", "hi from hutch");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hi from hutch\n", run.Stdout);
    }

    [ContainerdFact]
    public void Ctr_run_rm_returns_the_process_exit_status()
    {
        var run = containerd.Run(["--rm"], containerd.NewId(), "/bin/sh", "-c", "exit 7");

        Assert.Equal(7, run.ExitCode);
    }

    [ContainerdFact]
    public void Ctr_run_rm_keeps_hutch_warnings_out_of_the_container_stderr()
    {
        var run = containerd.Run(["--rm"], containerd.NewId(), "/bin/true");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stderr);
    }

    [ContainerdFact]
    public void Ctr_run_d_then_task_kill_stops_the_task_and_the_state_is_in_the_shims_root()
    {
        var id = containerd.NewId();
        var run = containerd.Run(["--detach", "--null-io"], id, "/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("RUNNING", TaskStatus(id));
        var state = HutchBinary.Run(null, "--root", containerd.HutchRoot, "state", id);
        Assert.True(state.ExitCode == 0, $"hutch state under the shim's root: exit {state.ExitCode}: {state.Stderr}");
        Assert.Equal("running", JsonNode.Parse(state.Stdout)!["status"]!.GetValue<string>());

        var kill = containerd.Ctr("task", "kill", id);

        Assert.True(kill.ExitCode == 0, kill.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (TaskStatus(id) != "STOPPED" && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        Assert.Equal("STOPPED", TaskStatus(id));
        var removed = containerd.Ctr("task", "rm", id);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.False(Directory.Exists(Path.Combine(containerd.HutchRoot, id)), "hutch's state of the deleted container is still there");
        containerd.Ctr("container", "rm", id);
    }

    [ContainerdFact]
    public void Ctr_task_pause_resume_ps_and_exec_go_through_hutch()
    {
        var id = containerd.NewId();
        var run = containerd.Run(["--detach", "--null-io"], id, "/bin/sh", "-c", "while true; do sleep 0.1; done");
        Assert.True(run.ExitCode == 0, run.ToString());

        var pause = containerd.Ctr("task", "pause", id);
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal("PAUSED", TaskStatus(id));
        var resume = containerd.Ctr("task", "resume", id);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal("RUNNING", TaskStatus(id));

        var ps = containerd.Ctr("task", "ps", id);
        Assert.True(ps.ExitCode == 0, ps.ToString());
        var state = JsonNode.Parse(HutchBinary.Run(null, "--root", containerd.HutchRoot, "state", id).Stdout)!;
        Assert.Contains(state["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), ps.Stdout, StringComparison.Ordinal);

        var exec = containerd.Ctr("task", "exec", "--exec-id", "probe", id, "/bin/sh", "-c", "echo inside; exit 5");
        Assert.Equal(5, exec.ExitCode);
        Assert.Equal("inside\n", exec.Stdout);
    }

    [ContainerdFact]
    public void A_failed_exec_reaches_ctr_as_the_error_record_of_log_json()
    {
        var id = containerd.NewId();
        var run = containerd.Run(["--detach", "--null-io"], id, "/bin/sh", "-c", "while true; do sleep 0.1; done");
        Assert.True(run.ExitCode == 0, run.ToString());

        var exec = containerd.Ctr("task", "exec", "--exec-id", "missing", id, "/no/such/program");

        Assert.NotEqual(0, exec.ExitCode);
        Assert.Contains("/no/such/program", exec.Stderr, StringComparison.Ordinal);
        Assert.Equal("RUNNING", TaskStatus(id));
    }

    [ContainerdFact]
    public void Ctr_run_t_gives_the_process_a_terminal()
    {
        var run = containerd.RunOnTerminal(["--rm", "-t"], containerd.NewId(), TimeSpan.FromSeconds(20), "/bin/sh", "-c", "tty; exit 4");

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Matches(@"/dev/pts/\d+", run.Stdout);
    }

    private string TaskStatus(string id)
    {
        var list = containerd.Ctr("task", "ls");
        var row = list.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(f => f.Length == 3 && f[0] == id);
        return row?[2] ?? "(no task " + id + ": " + list + ")";
    }
}
