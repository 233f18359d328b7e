using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch list [--format table|json] [--quiet]`: the containers under --root.</summary>
internal sealed class ListCommand : Command
{
    internal const string CommandName = "list";

    internal Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "table or json",
        HelpName = "table|json",
        DefaultValueFactory = _ => OutputFormats.Table,
    };

    internal Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "display only container ids",
    };

    internal ListCommand(GlobalOptions globals) : base(CommandName, "list the containers under --root")
    {
        Options.Add(Format);
        Options.Add(Quiet);
        OutputFormats.AcceptTableOrJson(Format);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
    }

    internal ListRequest Bind(ParseResult result) => new(
        Format: result.GetValue(Format) ?? OutputFormats.Table,
        Quiet: result.GetValue(Quiet));

    private static int Run(ListRequest request, GlobalSettings globals, TextWriter output, TextWriter error)
    {
        output.Write(ListContainers.Render(globals.Root, request.Format, request.Quiet, message => CliLog.Warn(error, message)));
        return ExitCodes.Success;
    }
}

/// <summary>What `list` was asked. Format is "table" or "json".</summary>
internal sealed record ListRequest(string Format, bool Quiet);
