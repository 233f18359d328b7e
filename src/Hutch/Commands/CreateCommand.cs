using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch create [options] &lt;container-id&gt;`: runc's create flags.</summary>
internal sealed class CreateCommand : Command
{
    internal const string CommandName = "create";

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

    internal Option<string?> PidFile { get; } = new("--pid-file")
    {
        Description = "specify the file to write the init process's pid to",
        HelpName = "file",
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

    internal CreateCommand(GlobalOptions globals) : base(CommandName, "create a container")
    {
        Options.Add(Bundle);
        Options.Add(Config);
        Options.Add(ConsoleSocket);
        Options.Add(PidfdSocket);
        Options.Add(PidFile);
        Options.Add(NoPivot);
        Options.Add(NoNewKeyring);
        Options.Add(PreserveFds);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal CreateRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Bundle: result.GetValue(Bundle),
        Config: result.GetValue(Config),
        ConsoleSocket: result.GetValue(ConsoleSocket),
        PidfdSocket: result.GetValue(PidfdSocket),
        PidFile: result.GetValue(PidFile),
        NoPivot: result.GetValue(NoPivot),
        NoNewKeyring: result.GetValue(NoNewKeyring),
        PreserveFds: result.GetValue(PreserveFds));

    private static int Run(CreateRequest request, GlobalSettings globals, TextWriter error)
    {
        using var created = Create.Run(request.ToOptions(globals, error));
        return ExitCodes.Success;
    }
}

/// <summary>What `create` was asked. Bundle null: the current directory.</summary>
internal sealed record CreateRequest(
    string Id,
    string? Bundle,
    string? Config,
    string? ConsoleSocket,
    string? PidfdSocket,
    string? PidFile,
    bool NoPivot,
    bool NoNewKeyring,
    int PreserveFds)
{
    internal CreateOptions ToOptions(GlobalSettings globals, TextWriter error) => globals.SystemdCgroup
        ? throw new CommandFailedException("--systemd-cgroup is not supported: hutch has no systemd cgroup driver " +
            "(no systemd runs on the hosts it is tested on); leave the flag out")
        : new()
    {
        Root = globals.Root,
        Id = Id,
        Bundle = Bundle,
        ConfigPath = Config,
        ConsoleSocket = ConsoleSocket,
        PidFile = PidFile,
        NoPivot = NoPivot,
        NoNewKeyring = NoNewKeyring,
        PreserveFds = PreserveFds,
        Warn = message => CliLog.Warn(error, message),
        Debug = globals.Debug ? message => CliLog.Active?.Debug(message) : null,
    };
}
