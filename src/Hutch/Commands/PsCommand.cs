using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch ps [--format table|json] &lt;container-id&gt; [ps options...]`: the container's
/// processes: the pids of its cgroup as a JSON array, or a `ps -ef`-like table (PsTable). Everything
/// after the id is a ps option, never parsed as hutch's flags.</summary>
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
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Output));
    }

    internal PsRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Format: result.GetValue(Format) ?? OutputFormats.Table,
        PsArguments: result.GetValue(PsArguments) ?? []);

    private static int Run(PsRequest request, GlobalSettings globals, TextWriter output)
    {
        if (request.Format == OutputFormats.Json && request.PsArguments.Count > 0)
        {
            throw new CommandFailedException("ps options cannot be used with --format json");
        }
        var pids = Hutch.Runtime.Lifecycle.Ps.Pids(globals.Root, request.Id);
        if (request.Format == OutputFormats.Table && request.PsArguments.Count > 0)
        {
            throw new CommandFailedException(
                $"ps options ({string.Join(' ', request.PsArguments)}) are not supported: hutch prints its own table (UID PID PPID STAT TIME CMD); use --format json for the pids and pass them to ps -p");
        }
        output.Write(request.Format == OutputFormats.Json ? PsTable.Json(pids) : PsTable.Render(pids));
        return ExitCodes.Success;
    }
}

/// <summary>What `ps` was asked.</summary>
internal sealed record PsRequest(string Id, string Format, IReadOnlyList<string> PsArguments);
