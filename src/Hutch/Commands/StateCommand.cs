using System.CommandLine;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch state &lt;container-id&gt;`: print the container's OCI state as JSON. runc's state takes no flags.</summary>
internal sealed class StateCommand : Command
{
    internal const string CommandName = "state";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal StateCommand(GlobalOptions globals) : base(CommandName, "print the container's OCI state as JSON")
    {
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Output));
    }

    internal StateRequest Bind(ParseResult result) => new(Id: result.GetRequiredValue(ContainerId));

    private static int Run(StateRequest request, GlobalSettings globals, TextWriter output)
    {
        output.WriteLine(StateQuery.Run(globals.Root, request.Id));
        return ExitCodes.Success;
    }
}

/// <summary>What `state` was asked.</summary>
internal sealed record StateRequest(string Id);
