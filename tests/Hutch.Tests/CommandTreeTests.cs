using System.CommandLine;
using Hutch.Commands;

namespace Hutch.Tests;

/// <summary>
/// The CLI builds only the command argv names (<see cref="HutchRootCommand.ForArgs"/>): for every
/// argv below, that tree parses exactly as the whole tree does (same command, tokens, errors and
/// the command named in "Run '... --help'"), and help prints the same text.
/// </summary>
public class CommandTreeTests
{
    public static TheoryData<string[]> Argvs() => new(
        ["state", "ID"],
        ["--root", "/r", "state", "ID"],
        ["--root=/r", "state", "ID"],
        ["--root", "state", "state", "ID"],
        ["state", "--root", "state", "ID"],
        ["--root", "/r", "--log", "/l", "--log-format", "json", "create", "--bundle", "/b", "--pid-file", "/p", "ID"],
        ["--debug", "--systemd-cgroup", "kill", "ID", "KILL"],
        ["--debug=true", "delete", "--force", "ID"],
        ["--rootless", "auto", "--criu", "/c", "list", "-q"],
        ["--log", "/a", "--log", "/b", "start", "ID"],
        ["exec", "--tty", "ID", "sh", "-c", "ls --help"],
        ["ps", "ID", "-ef"],
        ["run", "-d", "--bundle", "/b", "ID"],
        ["events", "--stats", "ID"],
        ["update", "--memory", "1M", "ID"],
        ["pause", "ID"],
        ["resume", "ID"],
        ["spec", "--rootless"],
        ["features"],
        ["checkpoint", "ID"],
        ["restore", "ID"],
        ["init"],
        // Errors: an unknown flag before and after the command, a missing id, an extra argument,
        // an unknown command, a bad value.
        ["--bogus", "state", "ID"],
        ["state", "--bogus", "ID"],
        ["state"],
        ["state", "ID", "extra"],
        ["bogus", "ID"],
        ["--log-format", "xml", "state", "ID"],
        ["--rootless", "maybe", "kill", "ID"],
        ["--version", "state"],
        ["state", "--version"],
        ["--root"],
        ["--", "state", "ID"],
        [],
        ["-v"],
        ["--version"]);

    public static TheoryData<string[]> HelpArgvs() => new(
        ["--help"],
        ["-h"],
        [],
        ["--root", "/r"],
        ["state", "--help"],
        ["create", "-h"],
        ["--root", "/r", "exec", "--help"],
        ["kill", "-?"]);

    [Theory]
    [MemberData(nameof(Argvs))]
    public void The_tree_built_for_an_argv_parses_it_as_the_whole_tree_does(string[] args)
    {
        var whole = new HutchRootCommand().ParseArgs(args);
        var only = HutchRootCommand.ForArgs(args).ParseArgs(args);

        Assert.Equal(whole.Errors, only.Errors);
        Assert.Equal(whole.ErrorCommand.Name, only.ErrorCommand.Name);
        Assert.Equal(whole.Result.CommandResult.Command.Name, only.Result.CommandResult.Command.Name);
        Assert.Equal(whole.Result.Tokens.Select(t => (t.Value, t.Type)), only.Result.Tokens.Select(t => (t.Value, t.Type)));
        Assert.Equal(whole.Result.UnmatchedTokens, only.Result.UnmatchedTokens);
    }

    [Theory]
    [MemberData(nameof(HelpArgvs))]
    public void Help_prints_the_same_text_from_either_tree(string[] args)
    {
        var whole = Help(new HutchRootCommand(), args);
        var only = Help(HutchRootCommand.ForArgs(args), args);

        Assert.Contains("Usage:", whole, StringComparison.Ordinal);
        Assert.Equal(whole, only);
    }

    [Fact]
    public void Root_help_lists_every_command()
    {
        var help = Help(HutchRootCommand.ForArgs(["--help"]), ["--help"]);

        foreach (var name in new[] { "create", "start", "run", "state", "kill", "delete", "list", "ps", "exec", "pause",
            "resume", "events", "update", "spec", "features", "checkpoint", "restore" })
        {
            Assert.Contains("  " + name + " ", help, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("state", new[] { "state", "ID" })]
    [InlineData("kill", new[] { "--root", "/r", "--log=/l", "--debug", "kill", "ID" })]
    [InlineData("state", new[] { "--root", "state", "state", "ID" })]
    [InlineData("exec", new[] { "exec", "ID", "state" })]
    public void Only_the_named_command_is_built(string expected, string[] args)
    {
        var root = HutchRootCommand.ForArgs(args);

        Assert.Equal(expected, HutchRootCommand.CommandNameIn(args));
        Assert.Equal([expected], root.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--root /r")]
    [InlineData("--root state")]
    [InlineData("bogus state")]
    [InlineData("-- state")]
    public void Without_a_command_name_the_whole_tree_is_built(string argv)
    {
        var args = argv.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Null(HutchRootCommand.CommandNameIn(args));
        Assert.Equal(new HutchRootCommand().Subcommands.Count, HutchRootCommand.ForArgs(args).Subcommands.Count);
    }

    [Theory]
    [InlineData("-h", true)]
    [InlineData("--help", true)]
    [InlineData("-?", true)]
    [InlineData("/?", true)]
    [InlineData("/h", true)]
    [InlineData("-v", true)]
    [InlineData("--version", true)]
    [InlineData("-dh", true)]
    [InlineData("--debug", false)]
    [InlineData("--root", false)]
    [InlineData("/home/x", false)]
    [InlineData("state", false)]
    [InlineData("-1", false)]
    public void Help_and_version_are_added_for_any_token_that_may_be_one(string token, bool expected)
    {
        Assert.Equal(expected, HutchRootCommand.MayAskForHelpOrVersion(token));
        var root = HutchRootCommand.ForArgs(["state", token, "ID"]);
        Assert.Equal(expected, root.Options.Any(o => o.Name == "--help"));
    }

    [Fact]
    public void The_global_options_that_take_a_value_are_the_listed_ones()
    {
        var takingValue = new GlobalOptions().All
            .Where(o => o.Arity.MinimumNumberOfValues > 0 && o.ValueType != typeof(bool))
            .Select(o => o.Name);

        Assert.Equal(takingValue.Order(), GlobalOptions.ValueOptionNames.Order());
    }

    private static string Help(HutchRootCommand root, string[] args)
    {
        var parsed = root.ParseArgs(args);
        Assert.Empty(parsed.Errors);
        var output = new StringWriter();
        var exit = parsed.Result.Invoke(new InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(0, exit);
        return output.ToString();
    }
}
