using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch ps [--format table|json] &lt;container-id&gt; [ps options...]`: the container's
/// processes. Everything after the id is passed to ps(1) (as runc does), so it is never parsed as
/// hutch's flags.</summary>
internal sealed class PsCommand : Command
{
    internal const string CommandName = "ps";

    internal Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "table (ps output) or json (an array of pids)",
        HelpName = "table|json",
        DefaultValueFactory = _ => OutputFormats.Table,
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal Argument<string[]> PsArguments { get; } = new("ps-options")
    {
        Description = "options passed to ps (table format only), default -ef",
        Arity = ArgumentArity.ZeroOrMore,
    };

    internal PsCommand(GlobalOptions globals) : base(CommandName, "display the processes running inside a container")
    {
        Options.Add(Format);
        OutputFormats.AcceptTableOrJson(Format);
        Arguments.Add(ContainerId);
        Arguments.Add(PsArguments);
        SetAction(result => Run(Bind(result), globals.Bind(result)));
    }

    internal PsRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Format: result.GetValue(Format) ?? OutputFormats.Table,
        PsArguments: result.GetValue(PsArguments) ?? []);

    private static int Run(PsRequest request, GlobalSettings globals) => throw NotImplemented.Command(CommandName);
}

/// <summary>What `ps` was asked.</summary>
internal sealed record PsRequest(string Id, string Format, IReadOnlyList<string> PsArguments);
