namespace Hutch.Runtime.State;

/// <summary>
/// What hutch records about one container in &lt;root&gt;/&lt;id&gt;/state.json: the OCI state
/// fields (runtime.md "State") plus what hutch needs to find the process again safely.
/// Only <see cref="StateJson.ToOciJson"/> output is meant for others (`hutch state`, hooks);
/// state.json itself is hutch's private file.
/// </summary>
internal sealed class ContainerState
{
    /// <summary>The state.json layout version; Load refuses newer layouts rather than misread them.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Layout version of the file this was read from (<see cref="CurrentFormat"/> when written).</summary>
    public int Format { get; set; } = CurrentFormat;

    // ---- The OCI state fields ----

    /// <summary>The runtime-spec version this state complies with (e.g. "1.3.0").</summary>
    public required string OciVersion { get; set; }

    /// <summary>The container id; unique on this host (and within --root).</summary>
    public required string Id { get; set; }

    /// <summary>
    /// The status when this was last saved. The live status is <see cref="StatusProbe.Probe"/>:
    /// the process may have exited since.
    /// </summary>
    public ContainerStatus Status { get; set; } = ContainerStatus.Creating;

    /// <summary>The container process (the init) as seen from the host's pid namespace; 0 before it exists.</summary>
    public int Pid { get; set; }

    /// <summary>Absolute path of the bundle directory.</summary>
    public required string Bundle { get; set; }

    /// <summary>The config's annotations (null or empty when it had none).</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    // ---- hutch's own fields ----

    /// <summary>
    /// Field 22 of /proc/PID/stat of <see cref="Pid"/> when it was recorded: with the pid it
    /// identifies the process, so a reused pid is never taken for the container's.
    /// </summary>
    public ulong PidStartTime { get; set; }

    /// <summary>When create claimed the container (UTC).</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>Absolute path of the root filesystem on the host (bundle + root.path).</summary>
    public required string Rootfs { get; set; }

    /// <summary>The user that created the container (runc's `list` shows it), or null.</summary>
    public string? Owner { get; set; }

    /// <summary>
    /// True when hutch created the container's network namespace (rather than joining a
    /// `path`): the namespace ends with the container and net devices moved into it with it.
    /// </summary>
    public bool OwnsNetworkNamespace { get; set; }

    /// <summary>
    /// True when hutch created the container's pid namespace: then the init's death ends every
    /// process of the container, and delete never signals the rest of its cgroup (which, with a
    /// cgroupsPath shared by mistake, may hold someone else's processes).
    /// </summary>
    public bool OwnsPidNamespace { get; set; }

    /// <summary>
    /// The container's cgroup: one directory per hierarchy (a v1 controller's name, or "unified"),
    /// as <c>Cgroup.Directories</c> gave them at create; null when it has none (an older state).
    /// </summary>
    public Dictionary<string, string>? Cgroup { get; set; }

    /// <summary>
    /// The systemd unit that is the container's cgroup (`--systemd-cgroup`: "runc-ID.scope"), stopped
    /// by `delete`; null under the cgroupfs driver.
    /// </summary>
    public string? SystemdUnit { get; set; }

    /// <summary>The unit belongs to the user's systemd (a rootless container), not the system's.</summary>
    public bool SystemdUserManager { get; set; }
}
