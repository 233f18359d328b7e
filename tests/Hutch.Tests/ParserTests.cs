using Hutch.Commands;

namespace Hutch.Tests;

/// <summary>The argv real clients send (tests/data/README.md) parse to the right command and values.</summary>
public class ParserTests
{
    private readonly HutchRootCommand root = new();

    private ParsedCommandLine Parse(params string[] args)
    {
        var parsed = root.ParseArgs(args);
        Assert.True(parsed.Errors.Count == 0, "unexpected parse errors: " + string.Join("; ", parsed.Errors));
        return parsed;
    }

    [Fact]
    public void Containerd_create_with_global_options_before_the_command()
    {
        var parsed = Parse("--root", "/run/containerd/runc/default", "--log", "/b/log.json", "--log-format", "json",
            "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "ctr1");

        Assert.Same(root.Create, parsed.Result.CommandResult.Command);
        var request = root.Create.Bind(parsed.Result);
        Assert.Equal(new CreateRequest("ctr1", "/b", null, null, null, "/b/init.pid", false, false, 0), request);
        var globals = root.Globals.Bind(parsed.Result);
        Assert.Equal("/run/containerd/runc/default", globals.Root);
        Assert.Equal("/b/log.json", globals.LogPath);
        Assert.Equal(Logging.LogFormat.Json, globals.LogFormat);
        Assert.False(globals.Debug);
        Assert.Null(globals.Rootless);
    }

    [Fact]
    public void Global_options_are_accepted_after_the_command()
    {
        var parsed = Parse("create", "--root", "/r", "--systemd-cgroup", "--debug", "--rootless=true", "--criu", "/x", "ID");

        var globals = root.Globals.Bind(parsed.Result);
        Assert.Equal("/r", globals.Root);
        Assert.True(globals.SystemdCgroup);
        Assert.True(globals.Debug);
        Assert.True(globals.Rootless);
        Assert.Equal("ID", root.Create.Bind(parsed.Result).Id);
    }

    [Fact]
    public void Defaults_when_no_global_option_is_given()
    {
        var globals = root.Globals.Bind(Parse("state", "ID").Result);

        Assert.Equal(new GlobalSettings("/run/hutch", null, Logging.LogFormat.Text, false, false, null), globals);
    }

    [Fact]
    public void Podman_tty_create_with_console_socket()
    {
        var parsed = Parse("create", "--bundle", "B", "--pid-file", "F", "--console-socket", "S", "ID");

        var request = root.Create.Bind(parsed.Result);
        Assert.Equal("S", request.ConsoleSocket);
        Assert.Equal("F", request.PidFile);
        Assert.Equal("B", request.Bundle);
    }

    [Fact]
    public void Create_flags_in_equals_form_and_short_bundle()
    {
        var parsed = Parse("create", "-b", "B", "--pid-file=F", "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "ID");

        Assert.Equal(new CreateRequest("ID", "B", null, null, null, "F", true, true, 2), root.Create.Bind(parsed.Result));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("9")]
    [InlineData("KILL")]
    [InlineData("SIGKILL")]
    public void Kill_takes_the_signal_as_given(string signal)
    {
        var parsed = Parse("kill", "ID", signal);

        Assert.Same(root.Kill, parsed.Result.CommandResult.Command);
        Assert.Equal(new KillRequest("ID", signal, false), root.Kill.Bind(parsed.Result));
    }

    [Fact]
    public void Kill_defaults_to_SIGTERM_and_accepts_all()
    {
        Assert.Equal(new KillRequest("ID", "SIGTERM", false), root.Kill.Bind(Parse("kill", "ID").Result));
        Assert.Equal(new KillRequest("ID", "9", true), root.Kill.Bind(Parse("kill", "--all", "ID", "9").Result));
        Assert.Equal(new KillRequest("ID", "9", true), root.Kill.Bind(Parse("kill", "-a", "ID", "9").Result));
    }

    [Theory]
    [InlineData(new[] { "delete", "--force", "ID" }, true)]
    [InlineData(new[] { "delete", "-f", "ID" }, true)]
    [InlineData(new[] { "delete", "ID" }, false)]
    public void Delete_with_and_without_force(string[] argv, bool force)
    {
        var parsed = Parse(argv);

        Assert.Same(root.Delete, parsed.Result.CommandResult.Command);
        Assert.Equal(new DeleteRequest("ID", force), root.Delete.Bind(parsed.Result));
    }

    [Fact]
    public void Containerd_exec_with_process_file()
    {
        var parsed = Parse("--root", "R", "--log", "B/log.json", "--log-format", "json",
            "exec", "--process", "P", "--detach", "--pid-file", "F", "ID");

        var request = root.Exec.Bind(parsed.Result);
        Assert.Equal("ID", request.Id);
        Assert.Equal("P", request.ProcessFile);
        Assert.True(request.Detach);
        Assert.Equal("F", request.PidFile);
        Assert.Empty(request.Args);
    }

    [Fact]
    public void Podman_exec_order_of_flags()
    {
        var request = root.Exec.Bind(Parse("exec", "--pid-file", "F", "--process", "P", "--detach", "ID").Result);

        Assert.Equal(("ID", "P", "F", true), (request.Id, request.ProcessFile, request.PidFile, request.Detach));
    }

    [Fact]
    public void Exec_passes_everything_after_the_id_to_the_process()
    {
        var request = root.Exec.Bind(Parse("exec", "-t", "-e", "A=1", "--env", "B=2", "--cap", "CAP_NET_ADMIN",
            "-u", "1000:1000", "-g", "10", "-g", "20", "--cwd", "/tmp", "ID", "sh", "-c", "echo -e --detach").Result);

        Assert.Equal(["sh", "-c", "echo -e --detach"], request.Args);
        Assert.Equal(["A=1", "B=2"], request.Env);
        Assert.Equal(["CAP_NET_ADMIN"], request.Capabilities);
        Assert.Equal("1000:1000", request.User);
        Assert.Equal([10L, 20L], request.AdditionalGids);
        Assert.Equal("/tmp", request.Cwd);
        Assert.True(request.Tty);
        Assert.False(request.Detach);
        Assert.Null(request.NoNewPrivileges);
    }

    [Fact]
    public void Exec_flags_after_the_id_belong_to_the_process()
    {
        var request = root.Exec.Bind(Parse("exec", "ID", "--detach", "-e", "X=1").Result);

        Assert.False(request.Detach);
        Assert.Empty(request.Env);
        Assert.Equal(["--detach", "-e", "X=1"], request.Args);
    }

    [Fact]
    public void Exec_accepts_an_explicit_double_dash_after_the_id()
    {
        var request = root.Exec.Bind(Parse("exec", "ID", "--", "ls", "-l").Result);

        Assert.Equal(["ls", "-l"], request.Args);
    }

    [Fact]
    public void Exec_no_new_privs_is_tristate()
    {
        Assert.True(root.Exec.Bind(Parse("exec", "--no-new-privs", "ID", "true").Result).NoNewPrivileges);
        Assert.False(root.Exec.Bind(Parse("exec", "--no-new-privs=false", "ID", "true").Result).NoNewPrivileges);
    }

    [Fact]
    public void Ps_json_for_containerd()
    {
        var parsed = Parse("ps", "--format", "json", "ID");

        Assert.Same(root.Ps, parsed.Result.CommandResult.Command);
        Assert.Equal(("ID", "json"), (root.Ps.Bind(parsed.Result).Id, root.Ps.Bind(parsed.Result).Format));
    }

    [Fact]
    public void Ps_passes_options_after_the_id_to_ps()
    {
        var request = root.Ps.Bind(Parse("ps", "-f", "table", "ID", "-e", "-o", "pid").Result);

        Assert.Equal(["-e", "-o", "pid"], request.PsArguments);
        Assert.Equal("table", request.Format);
    }

    [Theory]
    [InlineData("start")]
    [InlineData("state")]
    [InlineData("pause")]
    [InlineData("resume")]
    public void Single_id_commands(string command)
    {
        var parsed = Parse(command, "ID");

        Assert.Equal(command, parsed.Result.CommandResult.Command.Name);
    }

    [Fact]
    public void Run_flags()
    {
        var request = root.Run.Bind(Parse("run", "-d", "--keep", "--no-subreaper", "-b", "B", "ID").Result);

        Assert.True(request.Detach);
        Assert.True(request.Keep);
        Assert.True(request.NoSubreaper);
        Assert.Equal("B", request.Create.Bundle);
    }

    [Fact]
    public void List_flags()
    {
        Assert.Equal(new ListRequest("table", false), root.List.Bind(Parse("list").Result));
        Assert.Equal(new ListRequest("json", true), root.List.Bind(Parse("list", "-f", "json", "-q").Result));
    }

    [Fact]
    public void Events_interval_is_a_go_duration()
    {
        Assert.Equal(new EventsRequest("ID", TimeSpan.FromSeconds(5), false), root.Events.Bind(Parse("events", "ID").Result));
        Assert.Equal(new EventsRequest("ID", TimeSpan.FromSeconds(90), true),
            root.Events.Bind(Parse("events", "--interval", "1m30s", "--stats", "ID").Result));
    }

    [Fact]
    public void Update_flags_keep_their_values()
    {
        var request = root.Update.Bind(Parse("update", "--memory", "512m", "--memory-swap", "-1", "--pids-limit", "100",
            "--cpu-quota", "-1", "--blkio-weight", "500", "ID").Result);

        Assert.Equal("512m", request.Memory);
        Assert.Equal("-1", request.MemorySwap);
        Assert.Equal("-1", request.CpuQuota);
        Assert.Equal(100, request.PidsLimit);
        Assert.Equal(500, request.BlkioWeight);
        Assert.Null(request.CpusetCpus);
        Assert.Equal("-", root.Update.Bind(Parse("update", "-r", "-", "ID").Result).ResourcesFile);
    }

    [Fact]
    public void Spec_flags_and_args_after_double_dash()
    {
        var request = root.Spec.Bind(Parse("spec", "--bundle", "B", "--netns", "/var/run/netns/n1",
            "--net-device", "veth0=eth0", "--net-device", "macv1", "--no-terminal", "--", "ip", "-br", "a").Result);

        Assert.Equal("B", request.Bundle);
        Assert.Equal("/var/run/netns/n1", request.Netns);
        Assert.Equal([new NetDeviceRequest("veth0", "eth0"), new NetDeviceRequest("macv1", null)], request.NetDevices);
        Assert.True(request.NoTerminal);
        Assert.Equal(["ip", "-br", "a"], request.ProcessArgs);
        Assert.False(request.Rootless);
    }

    [Fact]
    public void Spec_rootless_is_the_commands_flag_not_the_global_option()
    {
        var parsed = Parse("spec", "--rootless");

        Assert.True(root.Spec.Bind(parsed.Result).Rootless);
        Assert.Null(root.Globals.Bind(parsed.Result).Rootless);
    }

    [Fact]
    public void Checkpoint_and_restore_accept_runcs_flags()
    {
        Parse("checkpoint", "--image-path", "I", "--work-path", "W", "--leave-running", "--tcp-established",
            "--manage-cgroups-mode", "soft", "--empty-ns", "network", "--status-fd", "3", "ID");
        Parse("restore", "--image-path", "I", "-b", "B", "-d", "--pid-file", "F", "--lsm-profile", "apparmor:x", "ID");
        // containerd's go-runc passes -no-subreaper with one dash.
        var parsed = Parse("restore", "--detach", "-no-subreaper", "--bundle", "B", "ID");
        Assert.True(root.Restore.Bind(parsed.Result, root.Globals.Bind(parsed.Result), TextWriter.Null).NoSubreaper);
    }

    [Theory]
    [InlineData(new[] { "create", "--bogus", "ID" }, "unknown flag --bogus")]
    [InlineData(new[] { "--bogus", "state", "ID" }, "unknown flag --bogus")]
    [InlineData(new[] { "exec", "--nope=1", "ID", "sh" }, "unknown flag --nope")]
    [InlineData(new[] { "delete", "-x", "ID" }, "unknown flag -x")]
    public void Unknown_flags_are_refused_by_name(string[] argv, string expected)
    {
        var parsed = root.ParseArgs(argv);

        Assert.Contains(parsed.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("create")]
    [InlineData("kill")]
    [InlineData("exec")]
    public void A_missing_container_id_is_an_error(string command)
    {
        Assert.NotEmpty(root.ParseArgs([command]).Errors);
    }

    [Theory]
    [InlineData("--log-format", "xml")]
    [InlineData("--rootless", "maybe")]
    public void Invalid_global_values_are_errors(string option, string value)
    {
        var parsed = root.ParseArgs([option, value, "state", "ID"]);

        Assert.Contains(parsed.Errors, e => e.Contains(value, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("F", false)]
    public void Rootless_takes_runcs_values(string value, bool? expected)
    {
        Assert.Equal(expected, root.Globals.Bind(Parse("--rootless", value, "state", "ID").Result).Rootless);
    }

    [Fact]
    public void A_flag_never_takes_the_next_argument_as_its_value()
    {
        Assert.Equal(new DeleteRequest("true", true), root.Delete.Bind(Parse("delete", "--force", "true").Result));
        Assert.Equal(new DeleteRequest("false", true), root.Delete.Bind(Parse("delete", "-f", "false").Result));
        Assert.Equal(new KillRequest("true", "9", true), root.Kill.Bind(Parse("kill", "--all", "true", "9").Result));
        var exec = root.Exec.Bind(Parse("exec", "--detach", "true", "sh").Result);
        Assert.Equal(("true", true), (exec.Id, exec.Detach));
        Assert.Equal(["sh"], exec.Args);
    }

    [Fact]
    public void A_flag_value_is_given_with_equals()
    {
        Assert.Equal(new DeleteRequest("ID", false), root.Delete.Bind(Parse("delete", "--force=false", "ID").Result));
        Assert.True(root.Globals.Bind(Parse("--debug=true", "state", "ID").Result).Debug);
    }

    [Fact]
    public void An_id_starting_with_at_is_not_a_response_file()
    {
        Assert.Equal("@ctr", root.State.Bind(Parse("state", "@ctr").Result).Id);
    }

    [Fact]
    public void Too_many_arguments_is_an_error()
    {
        Assert.NotEmpty(root.ParseArgs(["delete", "A", "B"]).Errors);
    }
}
