using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch run [options] &lt;container-id&gt;`: create and start, then wait (unless --detach);
/// returns the container process's exit status. runc's run flags.</summary>
internal sealed class RunCommand : Command
{
    internal const string CommandName = "run";

    internal Option<string?> Bundle { get; } = new("--bundle", "-b")
    {
        Description = "path to the root of the bundle directory, defaults to the current directory",
        HelpName = "dir",
    };

    internal Option<string?> Config { get; } = new("--config")
    {
        Description = "path to the container's config file, defaults to config.json in the bundle directory",
        HelpName = "file",
    };

    internal Option<string?> ConsoleSocket { get; } = new("--console-socket")
    {
        Description = "path to an AF_UNIX socket which will receive the pseudoterminal's master fd",
        HelpName = "path",
    };

    internal Option<string?> PidfdSocket { get; } = new("--pidfd-socket")
    {
        Description = "path to an AF_UNIX socket which will receive a pidfd of the init process",
        HelpName = "path",
    };

    internal Option<bool> Detach { get; } = new("--detach", "-d")
    {
        Description = "detach from the container's process",
    };

    internal Option<bool> Keep { get; } = new("--keep")
    {
        Description = "do not delete the container after it exits",
    };

    internal Option<string?> PidFile { get; } = new("--pid-file")
    {
        Description = "specify the file to write the init process's pid to",
        HelpName = "file",
    };

    internal Option<bool> NoSubreaper { get; } = new("--no-subreaper")
    {
        Description = "disable the use of the subreaper used to reap reparented processes",
    };

    internal Option<bool> NoPivot { get; } = new("--no-pivot")
    {
        Description = "do not use pivot_root to jail the process inside the rootfs (for a rootfs on a ramdisk)",
    };

    internal Option<bool> NoNewKeyring { get; } = new("--no-new-keyring")
    {
        Description = "do not create a new session keyring for the container",
    };

    internal Option<int> PreserveFds { get; } = new("--preserve-fds")
    {
        Description = "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)",
        HelpName = "N",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal RunCommand(GlobalOptions globals) : base(CommandName, "create and run a container")
    {
        Options.Add(Bundle);
        Options.Add(Config);
        Options.Add(ConsoleSocket);
        Options.Add(PidfdSocket);
        Options.Add(Detach);
        Options.Add(Keep);
        Options.Add(PidFile);
        Options.Add(NoSubreaper);
        Options.Add(NoPivot);
        Options.Add(NoNewKeyring);
        Options.Add(PreserveFds);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal RunRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Bundle: result.GetValue(Bundle),
        Config: result.GetValue(Config),
        ConsoleSocket: result.GetValue(ConsoleSocket),
        PidfdSocket: result.GetValue(PidfdSocket),
        Detach: result.GetValue(Detach),
        Keep: result.GetValue(Keep),
        PidFile: result.GetValue(PidFile),
        NoSubreaper: result.GetValue(NoSubreaper),
        NoPivot: result.GetValue(NoPivot),
        NoNewKeyring: result.GetValue(NoNewKeyring),
        PreserveFds: result.GetValue(PreserveFds));

    private static int Run(RunRequest request, GlobalSettings globals, TextWriter error) =>
        Hutch.Runtime.Lifecycle.Run.Execute(request.ToCreate().ToOptions(globals, error), request.Detach, request.Keep);
}

/// <summary>What `run` was asked. Bundle null: the current directory.</summary>
internal sealed record RunRequest(
    string Id,
    string? Bundle,
    string? Config,
    string? ConsoleSocket,
    string? PidfdSocket,
    bool Detach,
    bool Keep,
    string? PidFile,
    bool NoSubreaper,
    bool NoPivot,
    bool NoNewKeyring,
    int PreserveFds)
{
    internal CreateRequest ToCreate() =>
        new(Id, Bundle, Config, ConsoleSocket, PidfdSocket, PidFile, NoPivot, NoNewKeyring, PreserveFds);
}
