using System.CommandLine;
using Hutch.Logging;

namespace Hutch.Commands;

/// <summary>`hutch delete [--force] &lt;container-id&gt;`: delete the container's resources.</summary>
internal sealed class DeleteCommand : Command
{
    internal const string CommandName = "delete";

    internal Option<bool> Force { get; } = new("--force", "-f")
    {
        Description = "kill the container with SIGKILL if it is still running; an unknown id is not an error",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal DeleteCommand(GlobalOptions globals) : base(CommandName, "delete any resources held by the container")
    {
        Options.Add(Force);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal DeleteRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Force: result.GetValue(Force));

    private static int Run(DeleteRequest request, GlobalSettings globals, TextWriter error)
    {
        Hutch.Runtime.Lifecycle.Delete.Run(globals.Root, request.Id, request.Force, message => CliLog.Warn(error, message));
        return ExitCodes.Success;
    }
}

/// <summary>What `delete` was asked.</summary>
internal sealed record DeleteRequest(string Id, bool Force);
