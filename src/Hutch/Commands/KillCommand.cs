using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch kill [--all] &lt;container-id&gt; [signal]`: send a signal (a name such as KILL or
/// SIGKILL, or a number such as 9; default SIGTERM) to the container's init process.</summary>
internal sealed class KillCommand : Command
{
    internal const string CommandName = "kill";
    internal const string DefaultSignal = "SIGTERM";

    internal Option<bool> All { get; } = new("--all", "-a")
    {
        Description = "send the signal to all processes in the container (deprecated in runc; accepted)",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal Argument<string> Signal { get; } = new("signal")
    {
        Description = "signal name (KILL, SIGKILL) or number (9); default SIGTERM",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => DefaultSignal,
    };

    internal KillCommand(GlobalOptions globals) : base(CommandName, "send a signal to the container's init process")
    {
        Options.Add(All);
        Arguments.Add(ContainerId);
        Arguments.Add(Signal);
        SetAction(result => Run(Bind(result), globals.Bind(result)));
    }

    internal KillRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Signal: result.GetValue(Signal) ?? DefaultSignal,
        All: result.GetValue(All));

    private static int Run(KillRequest request, GlobalSettings globals)
    {
        Hutch.Runtime.Lifecycle.Kill.Run(globals.Root, request.Id, request.Signal, request.All);
        return ExitCodes.Success;
    }
}

/// <summary>What `kill` was asked. Signal is as given (name or number), not yet resolved.</summary>
internal sealed record KillRequest(string Id, string Signal, bool All);
