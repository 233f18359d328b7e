using System.CommandLine;
using System.CommandLine.Help;
using Hutch.Parsing;

namespace Hutch.Commands;

/// <summary>
/// The `hutch` command tree: runc's global options and commands. Parse through
/// <see cref="ParseArgs"/>, which applies runc's argv rules (see <see cref="ArgvScanner"/>).
/// </summary>
internal sealed class HutchRootCommand : Command
{
    private static readonly ParserConfiguration ParserSettings = new()
    {
        // A container id or process argument may start with '@': never read it as a response file.
        ResponseFileTokenReplacer = null,
    };

    internal GlobalOptions Globals { get; } = new();

    // Every command by name, in the order help lists them. A command is built only when the tree
    // needs it (ForArgs): building all seventeen costs start-up time that `state` or `kill` never use.
    private static readonly (string Name, Func<GlobalOptions, Command> Build)[] CommandBuilders =
    [
        (CreateCommand.CommandName, g => new CreateCommand(g)),
        (StartCommand.CommandName, g => new StartCommand(g)),
        (RunCommand.CommandName, g => new RunCommand(g)),
        (StateCommand.CommandName, g => new StateCommand(g)),
        (KillCommand.CommandName, g => new KillCommand(g)),
        (DeleteCommand.CommandName, g => new DeleteCommand(g)),
        (ListCommand.CommandName, g => new ListCommand(g)),
        (PsCommand.CommandName, g => new PsCommand(g)),
        (ExecCommand.CommandName, g => new ExecCommand(g)),
        (PauseCommand.CommandName, g => new PauseCommand(g)),
        (ResumeCommand.CommandName, g => new ResumeCommand(g)),
        (EventsCommand.CommandName, g => new EventsCommand(g)),
        (UpdateCommand.CommandName, g => new UpdateCommand(g)),
        (SpecCommand.CommandName, _ => new SpecCommand()),
        (FeaturesCommand.CommandName, _ => new FeaturesCommand()),
        (CheckpointCommand.CommandName, g => new CheckpointCommand(g)),
        (RestoreCommand.CommandName, g => new RestoreCommand(g)),
        (InitCommand.CommandName, _ => new InitCommand()),
    ];

    internal CreateCommand Create => Built<CreateCommand>();
    internal StartCommand Start => Built<StartCommand>();
    internal RunCommand Run => Built<RunCommand>();
    internal StateCommand State => Built<StateCommand>();
    internal KillCommand Kill => Built<KillCommand>();
    internal DeleteCommand Delete => Built<DeleteCommand>();
    internal ListCommand List => Built<ListCommand>();
    internal PsCommand Ps => Built<PsCommand>();
    internal ExecCommand Exec => Built<ExecCommand>();
    internal PauseCommand Pause => Built<PauseCommand>();
    internal ResumeCommand Resume => Built<ResumeCommand>();
    internal EventsCommand Events => Built<EventsCommand>();
    internal UpdateCommand Update => Built<UpdateCommand>();
    internal SpecCommand Spec => Built<SpecCommand>();
    internal FeaturesCommand Features => Built<FeaturesCommand>();
    internal CheckpointCommand Checkpoint => Built<CheckpointCommand>();
    internal RestoreCommand Restore => Built<RestoreCommand>();

    /// <summary>The whole tree: every command (what `hutch --help` lists).</summary>
    internal HutchRootCommand() : this(only: null, helpAndVersion: true)
    {
    }

    /// <summary>The tree argv needs: the root with its options and only the command argv names
    /// (<see cref="CommandNameIn"/>); the whole tree when argv names none (root help, `hutch`
    /// alone, an unknown command: their output lists every command). The help and version
    /// options only when a token of argv could be one of them (<see cref="MayAskForHelpOrVersion"/>).</summary>
    internal static HutchRootCommand ForArgs(IReadOnlyList<string> args)
    {
        var only = CommandNameIn(args);
        return new(only, helpAndVersion: only is null || args.Any(MayAskForHelpOrVersion));
    }

    // A Command, not a RootCommand: RootCommand's constructor builds System.CommandLine's help and
    // version options, whose descriptions come from its ResourceManager (reflection over the
    // assembly's attributes, a quarter of `hutch state`'s own time, bench/RESULTS.md). hutch adds
    // them itself, when argv may use them; it uses no directive (`[suggest]` is not runc syntax:
    // an argv starting with '[' is an argument), and its name is the executable's, as RootCommand's.
    private HutchRootCommand(string? only, bool helpAndVersion)
        : base(RootCommand.ExecutableName, "hutch: an OCI container runtime (runtime-spec " + BuildInfo.SpecVersion + "), a drop-in for runc")
    {
        if (helpAndVersion)
        {
            Options.Add(new HelpOption());
            // runc's -v/--version prints three lines that go-runc and podman read by prefix.
            Options.Add(new VersionOption("--version", "-v") { Action = new VersionAction() });
        }

        foreach (var option in Globals.All)
        {
            Options.Add(option);
        }

        foreach (var (name, build) in CommandBuilders)
        {
            if (only is null || only == name)
            {
                Subcommands.Add(build(Globals));
            }
        }

        // `hutch` alone shows the help, as runc does.
        SetAction(result => new HelpAction().Invoke(result));
    }

    /// <summary>
    /// The command argv runs: its first token that is neither a root option nor an option's value,
    /// when that token names a command (exactly where <see cref="ArgvScanner"/> and System.CommandLine
    /// descend into it); null otherwise. Root options that take a value consume the next token
    /// unless written `--name=value`; every other option token stands alone, as in the scanner.
    /// </summary>
    internal static string? CommandNameIn(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token == ArgvScanner.EndOfOptions)
            {
                return null;
            }
            if (token.Length > 1 && token[0] == '-')
            {
                if (GlobalOptions.TakesValue(token))
                {
                    i++;
                }
                continue;
            }
            foreach (var (name, _) in CommandBuilders)
            {
                if (name == token)
                {
                    return name;
                }
            }
            return null;
        }
        return null;
    }

    /// <summary>Whether the token could be the help or version option, alone or in a bundle of
    /// short options ("-h", "--help", "-?", "/h", "/?", "-v", "--version", "--help=...", "-vh").</summary>
    internal static bool MayAskForHelpOrVersion(string token)
    {
        if (token is "/h" or "/?" || token.StartsWith("--help", StringComparison.Ordinal) || token.StartsWith("--version", StringComparison.Ordinal))
        {
            return true;
        }
        if (token.Length < 2 || token[0] != '-' || token[1] == '-')
        {
            return false;
        }
        foreach (var c in token.AsSpan(1))
        {
            if (c is 'h' or '?' or 'v')
            {
                return true;
            }
        }
        return false;
    }

    private T Built<T>() where T : Command
    {
        foreach (var command in Subcommands)
        {
            if (command is T built)
            {
                return built;
            }
        }
        throw new InvalidOperationException($"{typeof(T).Name} is not in this command tree (built for another command)");
    }

    /// <summary>Parses argv as runc would. <see cref="ParsedCommandLine.Errors"/> holds the flag the
    /// pre-scan refused, else System.CommandLine's errors.</summary>
    internal ParsedCommandLine ParseArgs(IReadOnlyList<string> args)
    {
        var scan = ArgvScanner.Scan(this, args, command => command is ExecCommand or PsCommand);
        // The root command's own name first: System.CommandLine takes a first argument whose file
        // name is the binary's name for the root command itself, so `--root=/run/hutch` (podman's
        // `--runtime-flag root=`) would be dropped and "/run/hutch" left over as an argument.
        var result = Parse([Name, .. scan.Args], ParserSettings);
        if (scan.Error is not null)
        {
            return new ParsedCommandLine(result, [scan.Error], scan.ErrorCommand);
        }
        return new ParsedCommandLine(result, [.. result.Errors.Select(e => e.Message)], result.CommandResult.Command);
    }

    private T Add<T>(T command) where T : Command
    {
        Subcommands.Add(command);
        return command;
    }
}

/// <summary>A parsed command line; Errors non-empty when it must not run (ErrorCommand: where to point for help).</summary>
internal sealed record ParsedCommandLine(ParseResult Result, IReadOnlyList<string> Errors, Command ErrorCommand);
