using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Checkpoint;

namespace Hutch.Commands;

/// <summary>`hutch restore [options] &lt;container-id&gt;`: a new container from a checkpoint's images
/// (runc's flags and semantics; Runtime/Checkpoint/ContainerRestore.cs). Without --detach it waits
/// and returns the process's status, as `run`.</summary>
internal sealed class RestoreCommand : Command
{
    internal const string CommandName = "restore";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal CriuFlagOptions Criu { get; } = new();

    internal Option<string?> ConsoleSocket { get; } = new("--console-socket") { Description = "path to an AF_UNIX socket which will receive the pseudoterminal's master fd", HelpName = "path" };

    internal Option<string?> Bundle { get; } = new("--bundle", "-b") { Description = "path to the root of the bundle directory", HelpName = "dir" };

    internal Option<bool> Detach { get; } = new("--detach", "-d") { Description = "detach from the container's process" };

    internal Option<string?> PidFile { get; } = new("--pid-file") { Description = "specify the file to write the process id to", HelpName = "file" };

    // containerd's go-runc spells it with one dash (Go's flag package takes either).
    internal Option<bool> NoSubreaper { get; } = new("--no-subreaper", "-no-subreaper") { Description = "disable the use of the subreaper used to reap reparented processes" };

    internal Option<bool> NoPivot { get; } = new("--no-pivot") { Description = "accepted as runc does (CRIU sets up the restored root itself)" };

    internal Option<string?> LsmProfile { get; } = new("--lsm-profile") { Description = "LSM type:label for the restored process", HelpName = "type:label" };

    internal Option<string?> LsmMountContext { get; } = new("--lsm-mount-context") { Description = "LSM mount context for the restored mounts", HelpName = "context" };

    internal RestoreCommand(GlobalOptions globals) : base(CommandName, "restore a container from a previous checkpoint with CRIU (criu 3.15 or newer: --criu PATH or `criu` on PATH)")
    {
        Criu.AddTo(this);
        Options.Add(ConsoleSocket);
        Options.Add(Bundle);
        Options.Add(Detach);
        Options.Add(PidFile);
        Options.Add(NoSubreaper);
        Options.Add(NoPivot);
        Options.Add(LsmProfile);
        Options.Add(LsmMountContext);
        Arguments.Add(ContainerId);
        SetAction(result => ContainerRestore.Run(Bind(result, globals.Bind(result), result.InvocationConfiguration.Error)));
    }

    internal RestoreOptions Bind(ParseResult result, GlobalSettings globals, TextWriter error) => new()
    {
        Root = globals.Root,
        Id = result.GetRequiredValue(ContainerId),
        Criu = globals.Criu,
        Flags = Criu.Bind(result),
        Bundle = result.GetValue(Bundle),
        Detach = result.GetValue(Detach),
        PidFile = result.GetValue(PidFile),
        ConsoleSocket = result.GetValue(ConsoleSocket),
        NoSubreaper = result.GetValue(NoSubreaper),
        NoPivot = result.GetValue(NoPivot),
        LsmProfile = result.GetValue(LsmProfile),
        LsmMountContext = result.GetValue(LsmMountContext),
        Rootless = globals.IsRootless,
        SystemdCgroup = globals.SystemdCgroup,
        Warn = message => CliLog.Warn(error, message),
        Debug = globals.Debug ? message => CliLog.Active?.Debug(message) : null,
    };
}
