using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch pause &lt;container-id&gt;`: suspend all processes in the container (cgroup freezer). runc's pause takes no flags.</summary>
internal sealed class PauseCommand : Command
{
    internal const string CommandName = "pause";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal PauseCommand(GlobalOptions globals) : base(CommandName, "suspend all processes in the container (cgroup freezer)")
    {
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result)));
    }

    internal PauseRequest Bind(ParseResult result) => new(Id: result.GetRequiredValue(ContainerId));

    private static int Run(PauseRequest request, GlobalSettings globals)
    {
        Hutch.Runtime.Lifecycle.Pause.Run(globals.Root, request.Id);
        return ExitCodes.Success;
    }
}

/// <summary>What `pause` was asked.</summary>
internal sealed record PauseRequest(string Id);
