using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch start &lt;container-id&gt;`: start a container created by create (runs its process). runc's start takes no flags.</summary>
internal sealed class StartCommand : Command
{
    internal const string CommandName = "start";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal StartCommand(GlobalOptions globals) : base(CommandName, "start a container created by create (runs its process)")
    {
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal StartRequest Bind(ParseResult result) => new(Id: result.GetRequiredValue(ContainerId));

    private static int Run(StartRequest request, GlobalSettings globals, TextWriter error)
    {
        Start.Run(globals.Root, request.Id, message => CliLog.Warn(error, message));
        return ExitCodes.Success;
    }
}

/// <summary>What `start` was asked.</summary>
internal sealed record StartRequest(string Id);
