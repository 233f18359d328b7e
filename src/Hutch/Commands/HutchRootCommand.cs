using System.CommandLine;
using System.CommandLine.Help;
using Hutch.Parsing;

namespace Hutch.Commands;

/// <summary>
/// The `hutch` command tree: runc's global options and commands. Parse through
/// <see cref="ParseArgs"/>, which applies runc's argv rules (see <see cref="ArgvScanner"/>).
/// </summary>
internal sealed class HutchRootCommand : RootCommand
{
    private static readonly ParserConfiguration ParserSettings = new()
    {
        // A container id or process argument may start with '@': never read it as a response file.
        ResponseFileTokenReplacer = null,
    };

    internal GlobalOptions Globals { get; } = new();

    internal CreateCommand Create { get; }
    internal StartCommand Start { get; }
    internal RunCommand Run { get; }
    internal StateCommand State { get; }
    internal KillCommand Kill { get; }
    internal DeleteCommand Delete { get; }
    internal ListCommand List { get; }
    internal PsCommand Ps { get; }
    internal ExecCommand Exec { get; }
    internal PauseCommand Pause { get; }
    internal ResumeCommand Resume { get; }
    internal EventsCommand Events { get; }
    internal UpdateCommand Update { get; }
    internal SpecCommand Spec { get; }
    internal FeaturesCommand Features { get; }
    internal CheckpointCommand Checkpoint { get; }
    internal RestoreCommand Restore { get; }

    internal HutchRootCommand()
        : base("hutch: an OCI container runtime (runtime-spec " + BuildInfo.SpecVersion + "), a drop-in for runc")
    {
        // `[suggest]` and other directives are not runc syntax: an argv starting with '[' is an argument.
        Directives.Clear();

        // runc's -v/--version prints three lines that go-runc and podman read by prefix.
        var defaultVersion = Options.OfType<VersionOption>().Single();
        Options.Remove(defaultVersion);
        Options.Add(new VersionOption("--version", "-v") { Action = new VersionAction() });

        foreach (var option in Globals.All)
        {
            Options.Add(option);
        }

        Create = Add(new CreateCommand(Globals));
        Start = Add(new StartCommand(Globals));
        Run = Add(new RunCommand(Globals));
        State = Add(new StateCommand(Globals));
        Kill = Add(new KillCommand(Globals));
        Delete = Add(new DeleteCommand(Globals));
        List = Add(new ListCommand(Globals));
        Ps = Add(new PsCommand(Globals));
        Exec = Add(new ExecCommand(Globals));
        Pause = Add(new PauseCommand(Globals));
        Resume = Add(new ResumeCommand(Globals));
        Events = Add(new EventsCommand(Globals));
        Update = Add(new UpdateCommand(Globals));
        Spec = Add(new SpecCommand());
        Features = Add(new FeaturesCommand());
        Checkpoint = Add(new CheckpointCommand());
        Restore = Add(new RestoreCommand());
        Add(new InitCommand());

        // `hutch` alone shows the help, as runc does.
        SetAction(result => new HelpAction().Invoke(result));
    }

    /// <summary>Parses argv as runc would. <see cref="ParsedCommandLine.Errors"/> holds the flag the
    /// pre-scan refused, else System.CommandLine's errors.</summary>
    internal ParsedCommandLine ParseArgs(IReadOnlyList<string> args)
    {
        var scan = ArgvScanner.Scan(this, args, command => command == Exec || command == Ps);
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
