namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// What `exec` was asked, resolved by the CLI (runc's flags). <see cref="ProcessFile"/> (--process)
/// gives the whole process; otherwise the process is config.json's with <see cref="Args"/> and the
/// overrides below (runc's argument form).
/// </summary>
internal sealed record ExecOptions
{
    public required string Root { get; init; }

    public required string Id { get; init; }

    /// <summary>--process FILE: a runtime-spec process object (JSON); the flags that shape the process are then ignored, as runc does.</summary>
    public string? ProcessFile { get; init; }

    /// <summary>The command and its arguments (the argument form).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>--env NAME=value, appended to config.json's process.env.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public string? Cwd { get; init; }

    /// <summary>--user uid[:gid] (numbers, as runc).</summary>
    public string? User { get; init; }

    public IReadOnlyList<long> AdditionalGids { get; init; } = [];

    /// <summary>--cap NAME: added to the bounding, effective and permitted sets (and ambient when the config has inheritable ones).</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>--no-new-privs given (either value); null: the config's.</summary>
    public bool? NoNewPrivileges { get; init; }

    /// <summary>--tty: a new pty for the process (the argument form; --process uses its own "terminal").</summary>
    public bool Tty { get; init; }

    public string? ConsoleSocket { get; init; }

    /// <summary>--pidfd-socket: an AF_UNIX socket that receives a pidfd of the process (one SCM_RIGHTS fd).</summary>
    public string? PidfdSocket { get; init; }

    public bool Detach { get; init; }

    public string? PidFile { get; init; }

    /// <summary>--preserve-fds N: the caller's fds 3 .. 3+N-1 reach the process.</summary>
    public int PreserveFds { get; init; }

    /// <summary>--process-label: process.selinuxLabel.</summary>
    public string? ProcessLabel { get; init; }

    /// <summary>--apparmor: process.apparmorProfile.</summary>
    public string? Apparmor { get; init; }

    /// <summary>--ignore-paused: exec into a paused container anyway.</summary>
    public bool IgnorePaused { get; init; }

    /// <summary>--cgroup [controller:]path: sub-cgroups of the container's cgroup for the process (ExecCgroup).</summary>
    public IReadOnlyList<string> SubCgroups { get; init; } = [];

    public Action<string>? Warn { get; init; }

    public Action<string>? Debug { get; init; }
}
