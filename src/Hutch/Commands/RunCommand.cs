using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch run [options] &lt;container-id&gt;`: create and start, then wait (unless --detach);
/// returns the container process's exit status. runc's run flags.</summary>
internal sealed class RunCommand : Command
{
    internal const string CommandName = "run";

    internal CreateFlags Flags { get; } = new();

    internal Option<bool> Detach { get; } = new("--detach", "-d")
    {
        Description = "detach from the container's process",
    };

    internal Option<bool> Keep { get; } = new("--keep")
    {
        Description = "do not delete the container after it exits",
    };

    internal Option<bool> NoSubreaper { get; } = new("--no-subreaper")
    {
        Description = "disable the use of the subreaper used to reap reparented processes",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal RunCommand(GlobalOptions globals) : base(CommandName, "create and run a container")
    {
        Flags.AddTo(this);
        Options.Add(Detach);
        Options.Add(Keep);
        Options.Add(NoSubreaper);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal RunRequest Bind(ParseResult result) => new(
        Create: Flags.Bind(result, result.GetRequiredValue(ContainerId)),
        Detach: result.GetValue(Detach),
        Keep: result.GetValue(Keep),
        NoSubreaper: result.GetValue(NoSubreaper));

    private static int Run(RunRequest request, GlobalSettings globals, TextWriter error) =>
        Hutch.Runtime.Lifecycle.Run.Execute(request.Create.ToOptions(globals, error), request.Detach, request.Keep);
}

/// <summary>What `run` was asked: create's request plus run's own flags.</summary>
internal sealed record RunRequest(CreateRequest Create, bool Detach, bool Keep, bool NoSubreaper);
