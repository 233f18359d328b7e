using System.Globalization;
using System.Text.Json.Nodes;

namespace Hutch.Tests.Integration;

/// <summary>create, start, state, run, kill, delete and list of real busybox containers.</summary>
public sealed class LifecycleTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Run_of_true_exits_zero_and_removes_the_container()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["true"]);

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Run_returns_the_process_exit_status()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sh", "-c", "exit 3"]);

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(3, outcome.ExitCode);
    }

    [ContainerFact]
    public void Run_returns_128_plus_the_signal_that_killed_the_process()
    {
        var id = host.NewId();
        // Without a pid namespace: PID 1 of one cannot SIGKILL itself.
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sh", "-c", "kill -KILL $$"];
            c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "pid")];
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(128 + 9, outcome.ExitCode);
    }

    [ContainerFact]
    public void Create_start_state_and_delete_walk_through_created_running_stopped()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "2"]);
        var pidFile = Path.Combine(bundle, "pid");

        var create = host.Hutch("create", "--bundle", bundle, "--pid-file", pidFile, id);
        Assert.True(create.ExitCode == 0, create.ToString());
        var created = State(id);
        Assert.Equal("created", (string?)created["status"]);
        Assert.Equal(bundle, (string?)created["bundle"]);
        Assert.Equal("1.3.0", (string?)created["ociVersion"]);
        var pid = (int)created["pid"]!;
        Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));

        var start = host.Hutch("start", id);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("running", (string?)State(id)["status"]);

        var again = host.Hutch("start", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("cannot start a container that has already been started", again.Stderr, StringComparison.Ordinal);

        WaitForStatus(id, "stopped", TimeSpan.FromSeconds(10));
        Assert.Equal(0, (int)State(id)["pid"]!);

        var delete = host.Hutch("delete", id);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        var gone = host.Hutch("state", id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("does not exist", gone.Stderr, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Pid_file_is_written_before_create_returns_and_matches_the_state()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        var pidFile = Path.Combine(bundle, "init.pid");

        var create = host.Hutch("create", "--bundle", bundle, "--pid-file", pidFile, id);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.True(File.Exists(pidFile));
        Assert.Equal(((int)State(id)["pid"]!).ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));
        Assert.True(host.Hutch("delete", "--force", id).ExitCode == 0);
    }

    [ContainerFact]
    public void Start_of_a_stopped_container_says_container_not_running()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);
        Assert.Equal(0, host.Hutch("kill", id, "KILL").ExitCode);
        WaitForStatus(id, "stopped", TimeSpan.FromSeconds(10));

        var start = host.Hutch("start", id);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("container not running", start.Stderr, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Kill_accepts_names_with_and_without_SIG_and_numbers()
    {
        foreach (var signal in new[] { "USR1", "SIGUSR1", "10" })
        {
            using var recorder = new SignalRecorder();
            var id = host.NewId();
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", host.Bundle(recorder.Configure), id).ExitCode);
            recorder.WaitUntilReady();

            var kill = host.Hutch("kill", id, signal);

            Assert.True(kill.ExitCode == 0, signal + ": " + kill);
            Assert.Equal("USR1", recorder.WaitForSignal());
            WaitForStatus(id, "stopped", TimeSpan.FromSeconds(10));
            Assert.Equal(0, host.Hutch("delete", id).ExitCode);
        }
    }

    [ContainerFact]
    public void Kill_defaults_to_TERM_and_9_kills_and_a_stopped_container_is_not_running()
    {
        using var recorder = new SignalRecorder();
        var id = host.NewId();
        Assert.Equal(0, host.Hutch("run", "-d", "--bundle", host.Bundle(recorder.Configure), id).ExitCode);
        recorder.WaitUntilReady();

        Assert.Equal(0, host.Hutch("kill", id).ExitCode);
        Assert.Equal("TERM", recorder.WaitForSignal());
        WaitForStatus(id, "stopped", TimeSpan.FromSeconds(10));

        var late = host.Hutch("kill", id, "9");
        Assert.Equal(1, late.ExitCode);
        Assert.Contains("container not running", late.Stderr, StringComparison.Ordinal);

        var id2 = host.NewId();
        Assert.Equal(0, host.Hutch("run", "-d", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "30"]), id2).ExitCode);
        Assert.Equal(0, host.Hutch("kill", "--all", id2, "9").ExitCode);
        WaitForStatus(id2, "stopped", TimeSpan.FromSeconds(10));
    }

    [ContainerFact]
    public void Kill_all_of_a_stopped_container_without_its_own_pid_namespace_signals_what_its_init_left()
    {
        // docker run --pid host bb sh -c 'sleep 100 & exit 0': the init exits, its child lives on in
        // the cgroup holding the container's stdio, and containerd asks `kill --all` to end it.
        using var marks = new HostDirectory();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "pid")];
            c.Mounts!.Add(new Hutch.Spec.Mount { Destination = "/marks", Type = "bind", Source = marks.Path, Options = ["rbind", "rw"] });
            c.Process!.Args = ["sh", "-c", "sleep 300 & echo $! > /marks/child; exit 0"];
        });
        Assert.Equal(0, host.Hutch("run", "-d", "--bundle", bundle, id).ExitCode);
        WaitForStatus(id, "stopped", TimeSpan.FromSeconds(10));
        var childFile = Path.Combine(marks.Path, "child");
        var child = int.Parse(File.ReadAllText(childFile).Trim(), CultureInfo.InvariantCulture); // the host's pid: no pid namespace
        Assert.Contains("sleep", File.ReadAllText($"/proc/{child}/cmdline"), StringComparison.Ordinal);

        var kill = host.Hutch("kill", "--all", id, "KILL");
        var single = host.Hutch("kill", id, "KILL");

        Assert.True(kill.ExitCode == 0, kill.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (File.Exists($"/proc/{child}/cmdline") && File.ReadAllText($"/proc/{child}/cmdline").StartsWith("sleep", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the init's child (pid {child}) outlived kill --all");
            Thread.Sleep(20);
        }
        // Without --all a stopped container's init is gone: still "container not running".
        Assert.Equal(1, single.ExitCode);
        Assert.Contains("container not running", single.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, host.Hutch("delete", id).ExitCode);
    }

    [ContainerFact]
    public void Delete_of_a_running_container_without_force_fails_and_changes_nothing()
    {
        var id = host.NewId();
        Assert.Equal(0, host.Hutch("run", "-d", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "30"]), id).ExitCode);
        var before = State(id);

        var delete = host.Hutch("delete", id);

        Assert.Equal(1, delete.ExitCode);
        Assert.Contains("not stopped", delete.Stderr, StringComparison.Ordinal);
        var after = State(id);
        Assert.Equal("running", (string?)after["status"]);
        Assert.Equal((int)before["pid"]!, (int)after["pid"]!);

        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(Directory.Exists($"/proc/{(int)before["pid"]!}") && File.ReadAllText($"/proc/{(int)before["pid"]!}/cmdline").StartsWith("sleep", StringComparison.Ordinal));
    }

    [ContainerFact]
    public void Delete_force_of_an_unknown_id_succeeds()
    {
        var outcome = host.Hutch("delete", "--force", host.NewId("nosuch"));

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    [ContainerFact]
    public void List_shows_containers_as_json_table_and_ids()
    {
        var id = host.NewId();
        Assert.Equal(0, host.Hutch("create", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "30"]), id).ExitCode);

        var json = host.Hutch("list", "--format", "json");
        var table = host.Hutch("list");
        var quiet = host.Hutch("list", "-q");

        Assert.Equal(0, json.ExitCode);
        var entry = JsonNode.Parse(json.Stdout)!.AsArray().Single(e => (string?)e!["id"] == id)!;
        Assert.Equal("created", (string?)entry["status"]);
        Assert.Equal("root", (string?)entry["owner"]);
        Assert.StartsWith("ID", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("OWNER", table.Stdout.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains(id, table.Stdout, StringComparison.Ordinal);
        Assert.Contains(id + "\n", quiet.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
    }

    private JsonNode State(string id)
    {
        var outcome = host.Hutch("state", id);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return JsonNode.Parse(outcome.Stdout)!;
    }

    private void WaitForStatus(string id, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((string?)State(id)["status"] != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"container {id} did not become {status} within {timeout}");
            Thread.Sleep(50);
        }
    }
}
