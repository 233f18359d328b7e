namespace Hutch.Runtime.Checkpoint;

/// <summary>The CRIU options `checkpoint` and `restore` share (runc's flags of the same names).</summary>
internal sealed record CriuFlags
{
    /// <summary>--image-path; null: ./checkpoint (runc's default).</summary>
    public string? ImagePath { get; init; }

    /// <summary>--work-path (logs, work files); null: the image directory.</summary>
    public string? WorkPath { get; init; }

    public bool TcpEstablished { get; init; }

    public bool ExtUnixSk { get; init; }

    public bool ShellJob { get; init; }

    public bool FileLocks { get; init; }

    public bool AutoDedup { get; init; }

    public bool LazyPages { get; init; }

    /// <summary>--manage-cgroups-mode: soft, full, strict or ignore; null: CRIU's default (soft).</summary>
    public string? ManageCgroupsMode { get; init; }

    /// <summary>--empty-ns: namespace types CRIU creates without restoring their properties ("network").</summary>
    public IReadOnlyList<string> EmptyNs { get; init; } = [];

    /// <summary>The image directory as an absolute path (runc's default: ./checkpoint).</summary>
    public string ImageDirectory => Path.GetFullPath(string.IsNullOrEmpty(ImagePath) ? "checkpoint" : ImagePath);
}

/// <summary>What `checkpoint` was asked.</summary>
internal sealed record CheckpointOptions
{
    public required string Root { get; init; }

    public required string Id { get; init; }

    /// <summary>The global --criu (null: `criu` on PATH).</summary>
    public string? Criu { get; init; }

    public CriuFlags Flags { get; init; } = new();

    /// <summary>--parent-path: a previous (pre-)dump, relative to the image directory.</summary>
    public string? ParentPath { get; init; }

    public bool LeaveRunning { get; init; }

    public bool PreDump { get; init; }

    public bool TcpSkipInFlight { get; init; }

    public bool LinkRemap { get; init; }

    /// <summary>--page-server ADDRESS:PORT.</summary>
    public string? PageServer { get; init; }

    /// <summary>--status-fd (lazy pages: criu writes \0 once its page server is ready); -1: none.</summary>
    public int StatusFd { get; init; } = -1;

    public Action<string>? Warn { get; init; }

    public Action<string>? Debug { get; init; }
}

/// <summary>What `restore` was asked.</summary>
internal sealed record RestoreOptions
{
    public required string Root { get; init; }

    public required string Id { get; init; }

    public string? Criu { get; init; }

    public CriuFlags Flags { get; init; } = new();

    /// <summary>--bundle; null: the current directory.</summary>
    public string? Bundle { get; init; }

    public bool Detach { get; init; }

    public string? PidFile { get; init; }

    public string? ConsoleSocket { get; init; }

    public bool NoSubreaper { get; init; }

    /// <summary>--no-pivot: accepted as runc does; CRIU sets the restored root itself either way.</summary>
    public bool NoPivot { get; init; }

    public string? LsmProfile { get; init; }

    public string? LsmMountContext { get; init; }

    public bool Rootless { get; init; }

    public bool SystemdCgroup { get; init; }

    public Action<string>? Warn { get; init; }

    public Action<string>? Debug { get; init; }
}
