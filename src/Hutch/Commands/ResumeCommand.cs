using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch resume &lt;container-id&gt;`: resume all processes previously paused. runc's resume takes no flags.</summary>
internal sealed class ResumeCommand : Command
{
    internal const string CommandName = "resume";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal ResumeCommand(GlobalOptions globals) : base(CommandName, "resume all processes previously paused")
    {
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result)));
    }

    internal ResumeRequest Bind(ParseResult result) => new(Id: result.GetRequiredValue(ContainerId));

    private static int Run(ResumeRequest request, GlobalSettings globals)
    {
        Hutch.Runtime.Lifecycle.Pause.Resume(globals.Root, request.Id);
        return ExitCodes.Success;
    }
}

/// <summary>What `resume` was asked.</summary>
internal sealed record ResumeRequest(string Id);
