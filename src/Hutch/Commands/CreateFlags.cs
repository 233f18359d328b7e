using System.CommandLine;

namespace Hutch.Commands;

/// <summary>The flags `create` and `run` share (runc's), declared once; each command adds them.</summary>
internal sealed class CreateFlags
{
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

    internal void AddTo(Command command)
    {
        command.Options.Add(Bundle);
        command.Options.Add(Config);
        command.Options.Add(ConsoleSocket);
        command.Options.Add(PidfdSocket);
        command.Options.Add(PidFile);
        command.Options.Add(NoPivot);
        command.Options.Add(NoNewKeyring);
        command.Options.Add(PreserveFds);
    }

    internal CreateRequest Bind(ParseResult result, string id) => new(
        Id: id,
        Bundle: result.GetValue(Bundle),
        Config: result.GetValue(Config),
        ConsoleSocket: result.GetValue(ConsoleSocket),
        PidfdSocket: result.GetValue(PidfdSocket),
        PidFile: result.GetValue(PidFile),
        NoPivot: result.GetValue(NoPivot),
        NoNewKeyring: result.GetValue(NoNewKeyring),
        PreserveFds: result.GetValue(PreserveFds));
}
