using System.CommandLine;
using Hutch.Parsing;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch events [--interval 5s] [--stats] &lt;container-id&gt;`: stream the container's
/// events (OOM, stats) as JSON lines.</summary>
internal sealed class EventsCommand : Command
{
    internal const string CommandName = "events";
    internal const string DefaultInterval = "5s";

    internal Option<string> Interval { get; } = new("--interval")
    {
        Description = "set the stats collection interval (a Go duration such as 5s or 1m30s)",
        HelpName = "duration",
        DefaultValueFactory = _ => DefaultInterval,
    };

    internal Option<bool> Stats { get; } = new("--stats")
    {
        Description = "display the container's stats once, then exit",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal EventsCommand(GlobalOptions globals) : base(CommandName, "display container events such as OOM notifications and stats")
    {
        Options.Add(Interval);
        Options.Add(Stats);
        Arguments.Add(ContainerId);
        Interval.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!GoDuration.TryParse(value, out var interval) || interval <= TimeSpan.Zero)
            {
                result.AddError($"invalid --interval \"{value}\": use a positive duration such as 5s, 500ms or 1m30s");
            }
        });
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Output));
    }

    internal EventsRequest Bind(ParseResult result)
    {
        GoDuration.TryParse(result.GetValue(Interval), out var interval);
        return new EventsRequest(result.GetRequiredValue(ContainerId), interval, result.GetValue(Stats));
    }

    private static int Run(EventsRequest request, GlobalSettings globals, TextWriter output)
    {
        // One JSON object per line, flushed at once: a client reads the stream as it comes.
        Events.Run(globals.Root, request.Id, request.Interval, request.Stats, line =>
        {
            output.WriteLine(line);
            output.Flush();
        }, CancellationToken.None);
        return ExitCodes.Success;
    }
}

/// <summary>What `events` was asked.</summary>
internal sealed record EventsRequest(string Id, TimeSpan Interval, bool Stats);
