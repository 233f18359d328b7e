using Hutch.Commands;

namespace Hutch.Tests;

/// <summary>
/// Every global flag of runc (DESIGN.md section 6) in both of Go's forms, `--flag VALUE` and
/// `--flag=VALUE`, before and after the command, with values that look like a command or like the
/// binary's own name (podman's `--runtime-flag root=DIR` gives `--root=DIR` as argv[1]); and a
/// repeated flag takes its last value, as runc's flag package does.
/// </summary>
public class GlobalFlagParsingTests
{
    private readonly HutchRootCommand root = new();

    private ParsedCommandLine Parse(params string[] args)
    {
        var parsed = root.ParseArgs(args);
        Assert.True(parsed.Errors.Count == 0, $"unexpected parse errors for [{string.Join(' ', args)}]: " + string.Join("; ", parsed.Errors));
        return parsed;
    }

    /// <summary>Values that a parser could mistake for something else: the binary's name (bare and
    /// as a path's last component), a command's name, a path ending in a command's name.</summary>
    public static TheoryData<string> TrickyValues()
    {
        var name = new HutchRootCommand().Name;
        return new TheoryData<string>(name, "/run/" + name, "/var/lib/x/" + name, "state", "/run/state", "/tmp/create", "list");
    }

    private static string[] BeforeAndAfter(string[] flag, bool after) =>
        after ? ["state", .. flag, "ID"] : [.. flag, "state", "ID"];

    [Theory]
    [MemberData(nameof(TrickyValues))]
    public void Root_in_both_forms_before_and_after_the_command(string value)
    {
        foreach (var after in new[] { false, true })
        {
            foreach (var flag in new[] { new[] { "--root", value }, ["--root=" + value] })
            {
                var parsed = Parse(BeforeAndAfter(flag, after));
                Assert.Same(root.State, parsed.Result.CommandResult.Command);
                Assert.Equal(value, root.Globals.Bind(parsed.Result).Root);
                Assert.Equal("ID", root.State.Bind(parsed.Result).Id);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TrickyValues))]
    public void Log_in_both_forms_before_and_after_the_command(string value)
    {
        foreach (var after in new[] { false, true })
        {
            foreach (var flag in new[] { new[] { "--log", value }, ["--log=" + value] })
            {
                var parsed = Parse(BeforeAndAfter(flag, after));
                Assert.Same(root.State, parsed.Result.CommandResult.Command);
                Assert.Equal(value, root.Globals.Bind(parsed.Result).LogPath);
                Assert.Equal(value, root.Globals.BindForLogging(parsed.Result).LogPath);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TrickyValues))]
    public void Criu_in_both_forms_before_and_after_the_command(string value)
    {
        foreach (var after in new[] { false, true })
        {
            foreach (var flag in new[] { new[] { "--criu", value }, ["--criu=" + value] })
            {
                var parsed = Parse(BeforeAndAfter(flag, after));
                Assert.Same(root.State, parsed.Result.CommandResult.Command);
                Assert.Equal(value, parsed.Result.GetValue(root.Globals.Criu));
                Assert.Equal("ID", root.State.Bind(parsed.Result).Id);
            }
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void Log_format_in_both_forms(string value)
    {
        var expected = value == "json" ? Logging.LogFormat.Json : Logging.LogFormat.Text;
        foreach (var after in new[] { false, true })
        {
            foreach (var flag in new[] { new[] { "--log-format", value }, ["--log-format=" + value] })
            {
                var parsed = Parse(BeforeAndAfter(flag, after));
                Assert.Equal(expected, root.Globals.Bind(parsed.Result).LogFormat);
                Assert.Equal(expected, root.Globals.BindForLogging(parsed.Result).LogFormat);
            }
        }
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Rootless_in_both_forms(string value, bool? expected)
    {
        foreach (var after in new[] { false, true })
        {
            foreach (var flag in new[] { new[] { "--rootless", value }, ["--rootless=" + value] })
            {
                var parsed = Parse(BeforeAndAfter(flag, after));
                Assert.Equal(expected, root.Globals.Bind(parsed.Result).Rootless);
                Assert.Equal("ID", root.State.Bind(parsed.Result).Id);
            }
        }
    }

    [Theory]
    [InlineData("--debug")]
    [InlineData("--systemd-cgroup")]
    public void Boolean_flags_bare_and_with_a_value(string name)
    {
        bool Read(ParsedCommandLine parsed)
        {
            var globals = root.Globals.Bind(parsed.Result);
            return name == "--debug" ? globals.Debug : globals.SystemdCgroup;
        }
        foreach (var after in new[] { false, true })
        {
            Assert.True(Read(Parse(BeforeAndAfter([name], after))));
            Assert.True(Read(Parse(BeforeAndAfter([name + "=true"], after))));
            Assert.False(Read(Parse(BeforeAndAfter([name + "=false"], after))));
            Assert.False(Read(Parse(BeforeAndAfter([], after))));
        }
    }

    [Fact]
    public void A_boolean_flag_is_not_followed_by_its_value()
    {
        // Go's bool flags never take the next argument: "state" here is the command.
        var parsed = Parse("--debug", "state", "ID");

        Assert.True(root.Globals.Bind(parsed.Result).Debug);
        Assert.Same(root.State, parsed.Result.CommandResult.Command);
    }

    [Fact]
    public void Every_global_flag_at_once_in_the_equals_form()
    {
        var name = root.Name;
        var parsed = Parse("--root=/run/" + name, "--log=/b/" + name, "--log-format=json", "--debug", "--systemd-cgroup",
            "--rootless=false", "--criu=/usr/sbin/" + name, "create", "--bundle=/b/" + name, "--pid-file=/b/" + name, name);

        var globals = root.Globals.Bind(parsed.Result);
        Assert.Equal(("/run/" + name, "/b/" + name, Logging.LogFormat.Json, true, true, (bool?)false),
            (globals.Root, globals.LogPath, globals.LogFormat, globals.Debug, globals.SystemdCgroup, globals.Rootless));
        var create = root.Create.Bind(parsed.Result);
        Assert.Equal(("/b/" + name, "/b/" + name, name), (create.Bundle, create.PidFile, create.Id));
    }

    [Theory]
    [InlineData(new[] { "--log", "/a", "--log", "/b", "state", "ID" }, "/b")]
    [InlineData(new[] { "--log=/a", "--log=/b", "state", "ID" }, "/b")]
    [InlineData(new[] { "--log", "/a", "state", "--log=/b", "ID" }, "/b")]
    [InlineData(new[] { "state", "--log=/a", "ID", "--log", "/b" }, "/b")]
    public void A_repeated_global_flag_takes_the_last_value(string[] argv, string expected)
    {
        var parsed = Parse(argv);

        Assert.Equal(expected, root.Globals.Bind(parsed.Result).LogPath);
        Assert.Equal(expected, root.Globals.BindForLogging(parsed.Result).LogPath);
        Assert.Equal("ID", root.State.Bind(parsed.Result).Id);
    }

    [Fact]
    public void Every_repeated_global_flag_takes_the_last_value()
    {
        var parsed = Parse("--root", "/r1", "--root=/r2", "--log-format", "text", "--log-format=json", "--debug", "--debug=false",
            "--systemd-cgroup=false", "--systemd-cgroup", "--rootless", "true", "--rootless=false", "--criu", "a", "--criu", "b",
            "state", "--root", "/r3", "ID");

        var globals = root.Globals.Bind(parsed.Result);
        Assert.Equal(("/r3", (string?)null, Logging.LogFormat.Json, false, true, (bool?)false),
            (globals.Root, globals.LogPath, globals.LogFormat, globals.Debug, globals.SystemdCgroup, globals.Rootless));
        Assert.Equal("b", parsed.Result.GetValue(root.Globals.Criu));
    }

    [Fact]
    public void A_repeated_command_flag_takes_the_last_value_and_a_list_flag_accumulates()
    {
        var create = root.Create.Bind(Parse("create", "--bundle", "/a", "-b", "/b", "--pid-file=/p1", "--pid-file", "/p2", "ID").Result);
        Assert.Equal(("/b", "/p2"), (create.Bundle, create.PidFile));

        var exec = root.Exec.Bind(Parse("exec", "--env", "A=1", "-e", "B=2", "--cwd", "/x", "--cwd=/y", "ID", "sh").Result);
        Assert.Equal(["A=1", "B=2"], exec.Env);
        Assert.Equal("/y", exec.Cwd);
    }

    [Fact]
    public void A_container_id_equal_to_the_binarys_name_or_a_command_is_an_id()
    {
        Assert.Equal(root.Name, root.State.Bind(Parse("state", root.Name).Result).Id);
        Assert.Equal("list", root.State.Bind(Parse("--root=/r", "state", "list").Result).Id);
        Assert.Equal(root.Name, root.Delete.Bind(Parse("--root", "/r/" + root.Name, "delete", "--force", root.Name).Result).Id);
    }
}
