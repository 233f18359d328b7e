namespace Hutch.Runtime.Lifecycle;

/// <summary>What `create` (and `run`) was asked, resolved by the CLI. Bundle null: the current directory.</summary>
internal sealed record CreateOptions
{
    public required string Root { get; init; }

    public required string Id { get; init; }

    public string? Bundle { get; init; }

    /// <summary>--config: another config file than bundle/config.json.</summary>
    public string? ConfigPath { get; init; }

    public string? ConsoleSocket { get; init; }

    public string? PidFile { get; init; }

    public bool NoPivot { get; init; }

    public bool NoNewKeyring { get; init; }

    /// <summary>
    /// --rootless, decided (RootlessMode): cgroups the user may not make are done without, device
    /// rules the kernel refuses are skipped, and what needs the host's root is refused up front.
    /// </summary>
    public bool Rootless { get; init; }

    /// <summary>--preserve-fds N: the caller's fds 3 .. 3+N-1 (after LISTEN_FDS ones) reach the process.</summary>
    public int PreserveFds { get; init; }

    /// <summary>--systemd-cgroup: the container's cgroup is a systemd unit (Cgroups/Systemd/SystemdScope.cs).</summary>
    public bool SystemdCgroup { get; init; }

    /// <summary>Where warnings go (validation warnings, debug notes); null: dropped.</summary>
    public Action<string>? Warn { get; init; }

    public Action<string>? Debug { get; init; }
}
