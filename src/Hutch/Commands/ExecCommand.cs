using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>
/// `hutch exec [options] &lt;container-id&gt; [command args...]` or `hutch exec -p process.json
/// &lt;container-id&gt;`: run a new process in the container; returns its exit status. runc's exec
/// flags. Everything after the id is the command (runc's SkipArgReorder), so `exec ID sh -c ls`
/// never reads `-c` as a flag.
/// </summary>
internal sealed class ExecCommand : Command
{
    internal const string CommandName = "exec";

    internal Option<string?> ConsoleSocket { get; } = new("--console-socket")
    {
        Description = "path to an AF_UNIX socket which will receive the pseudoterminal's master fd",
        HelpName = "path",
    };

    internal Option<string?> PidfdSocket { get; } = new("--pidfd-socket")
    {
        Description = "path to an AF_UNIX socket which will receive a pidfd of the exec process",
        HelpName = "path",
    };

    internal Option<string?> Cwd { get; } = new("--cwd")
    {
        Description = "current working directory in the container",
        HelpName = "dir",
    };

    internal Option<string[]> Env { get; } = new("--env", "-e")
    {
        Description = "set an environment variable (NAME=value); repeatable",
        HelpName = "NAME=value",
    };

    internal Option<bool> Tty { get; } = new("--tty", "-t")
    {
        Description = "allocate a pseudo-TTY",
    };

    internal Option<string?> User { get; } = new("--user", "-u")
    {
        Description = "UID (format: <uid>[:<gid>])",
        HelpName = "uid[:gid]",
    };

    internal Option<long[]> AdditionalGids { get; } = new("--additional-gids", "-g")
    {
        Description = "an additional gid; repeatable",
        HelpName = "gid",
    };

    internal Option<string?> Process { get; } = new("--process", "-p")
    {
        Description = "path to the process.json",
        HelpName = "file",
    };

    internal Option<bool> Detach { get; } = new("--detach", "-d")
    {
        Description = "detach from the container's process",
    };

    internal Option<string?> PidFile { get; } = new("--pid-file")
    {
        Description = "specify the file to write the process's pid to",
        HelpName = "file",
    };

    internal Option<string?> ProcessLabel { get; } = new("--process-label")
    {
        Description = "set the asm process label for the process, commonly used with selinux",
        HelpName = "label",
    };

    internal Option<string?> Apparmor { get; } = new("--apparmor")
    {
        Description = "set the apparmor profile for the process",
        HelpName = "profile",
    };

    internal Option<bool> NoNewPrivs { get; } = new("--no-new-privs")
    {
        Description = "set the no new privileges value for the process",
    };

    internal Option<string[]> Cap { get; } = new("--cap", "-c")
    {
        Description = "add a capability to the bounding set for the process; repeatable",
        HelpName = "CAP_NAME",
    };

    internal Option<int> PreserveFds { get; } = new("--preserve-fds")
    {
        Description = "pass N additional file descriptors to the process (stdio + $LISTEN_FDS + N in total)",
        HelpName = "N",
    };

    internal Option<string[]> Cgroup { get; } = new("--cgroup")
    {
        Description = "run the process in an (existing) sub-cgroup: [<controller>:]<cgroup>; repeatable",
        HelpName = "cgroup",
    };

    internal Option<bool> IgnorePaused { get; } = new("--ignore-paused")
    {
        Description = "allow exec in a paused container",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal Argument<string[]> CommandArgs { get; } = new("command")
    {
        Description = "the command and its arguments (not needed with --process)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    internal ExecCommand(GlobalOptions globals) : base(CommandName, "execute a new process inside the container")
    {
        Options.Add(ConsoleSocket);
        Options.Add(PidfdSocket);
        Options.Add(Cwd);
        Options.Add(Env);
        Options.Add(Tty);
        Options.Add(User);
        Options.Add(AdditionalGids);
        Options.Add(Process);
        Options.Add(Detach);
        Options.Add(PidFile);
        Options.Add(ProcessLabel);
        Options.Add(Apparmor);
        Options.Add(NoNewPrivs);
        Options.Add(Cap);
        Options.Add(PreserveFds);
        Options.Add(Cgroup);
        Options.Add(IgnorePaused);
        Arguments.Add(ContainerId);
        Arguments.Add(CommandArgs);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal ExecRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        Args: result.GetValue(CommandArgs) ?? [],
        ProcessFile: result.GetValue(Process),
        ConsoleSocket: result.GetValue(ConsoleSocket),
        PidfdSocket: result.GetValue(PidfdSocket),
        Cwd: result.GetValue(Cwd),
        Env: result.GetValue(Env) ?? [],
        Tty: result.GetValue(Tty),
        User: result.GetValue(User),
        AdditionalGids: result.GetValue(AdditionalGids) ?? [],
        Detach: result.GetValue(Detach),
        PidFile: result.GetValue(PidFile),
        ProcessLabel: result.GetValue(ProcessLabel),
        Apparmor: result.GetValue(Apparmor),
        // runc applies --no-new-privs only when it is given (either value).
        NoNewPrivileges: result.GetResult(NoNewPrivs) is { Implicit: false } ? result.GetValue(NoNewPrivs) : null,
        Capabilities: result.GetValue(Cap) ?? [],
        PreserveFds: result.GetValue(PreserveFds),
        Cgroups: result.GetValue(Cgroup) ?? [],
        IgnorePaused: result.GetValue(IgnorePaused));

    /// <summary>
    /// The process's status (0 with --detach); 255 on hutch's own failure, as runc's exec, so
    /// that a caller can tell "the runtime failed" from "the command exited 1".
    /// </summary>
    private static int Run(ExecRequest request, GlobalSettings globals, TextWriter error)
    {
        try
        {
            return Exec.Run(request.ToOptions(globals, error));
        }
#pragma warning disable CA1031 // exec's last line: every failure becomes `hutch: <message>` and 255
        catch (Exception e)
#pragma warning restore CA1031
        {
            (CliLog.Active ?? CliLog.StderrOnly(error, globals.Debug)).Failure(FailureMessage.Of(e), e);
            return ExitCodes.ExecFailure;
        }
    }
}

/// <summary>What `exec` was asked. ProcessFile (--process) replaces Args and the process flags.</summary>
internal sealed record ExecRequest(
    string Id,
    IReadOnlyList<string> Args,
    string? ProcessFile,
    string? ConsoleSocket,
    string? PidfdSocket,
    string? Cwd,
    IReadOnlyList<string> Env,
    bool Tty,
    string? User,
    IReadOnlyList<long> AdditionalGids,
    bool Detach,
    string? PidFile,
    string? ProcessLabel,
    string? Apparmor,
    bool? NoNewPrivileges,
    IReadOnlyList<string> Capabilities,
    int PreserveFds,
    IReadOnlyList<string> Cgroups,
    bool IgnorePaused)
{
    internal ExecOptions ToOptions(GlobalSettings globals, TextWriter error) => new()
    {
        Root = globals.Root,
        Id = Id,
        ProcessFile = ProcessFile,
        Args = Args,
        Env = Env,
        Cwd = Cwd,
        User = User,
        AdditionalGids = AdditionalGids,
        Capabilities = Capabilities,
        NoNewPrivileges = NoNewPrivileges,
        Tty = Tty,
        ConsoleSocket = ConsoleSocket,
        PidfdSocket = PidfdSocket,
        Detach = Detach,
        PidFile = PidFile,
        PreserveFds = PreserveFds,
        ProcessLabel = ProcessLabel,
        Apparmor = Apparmor,
        IgnorePaused = IgnorePaused,
        SubCgroups = Cgroups,
        Warn = message => CliLog.Warn(error, message),
        Debug = globals.Debug ? message => CliLog.Active?.Debug(message) : null,
    };
}
