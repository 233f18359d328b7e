using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Checkpoint;

namespace Hutch.Commands;

/// <summary>`hutch checkpoint [options] &lt;container-id&gt;`: CRIU dumps the container (runc's flags and
/// semantics; Runtime/Checkpoint/ContainerCheckpoint.cs). Needs criu 3.15 or newer (--criu or PATH).</summary>
internal sealed class CheckpointCommand : Command
{
    internal const string CommandName = "checkpoint";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal CriuFlagOptions Criu { get; } = new();

    internal Option<string?> ParentPath { get; } = new("--parent-path") { Description = "path of a previous pre-dump's images, relative to --image-path", HelpName = "dir" };

    internal Option<bool> LeaveRunning { get; } = new("--leave-running") { Description = "leave the process running after checkpointing" };

    internal Option<bool> TcpSkipInFlight { get; } = new("--tcp-skip-in-flight") { Description = "skip in-flight tcp connections" };

    internal Option<bool> LinkRemap { get; } = new("--link-remap") { Description = "allow one to link unlinked files back when possible" };

    internal Option<int> StatusFd { get; } = new("--status-fd") { Description = "criu writes \\0 to this fd once lazy-pages is ready", HelpName = "fd", DefaultValueFactory = _ => -1 };

    internal Option<string?> PageServer { get; } = new("--page-server") { Description = "ADDRESS:PORT of the page server", HelpName = "address:port" };

    internal Option<bool> PreDump { get; } = new("--pre-dump") { Description = "dump the container's memory only, leave it running (needs soft-dirty page tracking in the kernel)" };

    internal CheckpointCommand(GlobalOptions globals) : base(CommandName, "checkpoint a running container with CRIU (criu 3.15 or newer: --criu PATH or `criu` on PATH)")
    {
        Criu.AddTo(this);
        Options.Add(ParentPath);
        Options.Add(LeaveRunning);
        Options.Add(TcpSkipInFlight);
        Options.Add(LinkRemap);
        Options.Add(StatusFd);
        Options.Add(PageServer);
        Options.Add(PreDump);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result, globals.Bind(result), result.InvocationConfiguration.Error)));
    }

    internal CheckpointOptions Bind(ParseResult result, GlobalSettings globals, TextWriter error) => new()
    {
        Root = globals.Root,
        Id = result.GetRequiredValue(ContainerId),
        Criu = globals.Criu,
        Flags = Criu.Bind(result),
        ParentPath = result.GetValue(ParentPath),
        LeaveRunning = result.GetValue(LeaveRunning),
        TcpSkipInFlight = result.GetValue(TcpSkipInFlight),
        LinkRemap = result.GetValue(LinkRemap),
        StatusFd = result.GetValue(StatusFd),
        PageServer = result.GetValue(PageServer),
        PreDump = result.GetValue(PreDump),
        Warn = message => CliLog.Warn(error, message),
        Debug = globals.Debug ? message => CliLog.Active?.Debug(message) : null,
    };

    private static int Run(CheckpointOptions options)
    {
        ContainerCheckpoint.Run(options);
        return ExitCodes.Success;
    }
}
