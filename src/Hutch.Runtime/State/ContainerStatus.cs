using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>
/// A container's status (runtime.md "State"). The JSON strings are the spec's, lower case.
/// Paused is runc's extra value (allowed: "additional values MAY be defined by the runtime").
/// The converter is hand-written: JsonStringEnumConverter reflects over the enum's fields on
/// every process start (2% of a `state`).
/// </summary>
[JsonConverter(typeof(ContainerStatusJsonConverter))]
internal enum ContainerStatus
{
    /// <summary>Being created (lifecycle step 2); hooks that run during create see it.</summary>
    Creating,

    /// <summary>Create finished; the user process has neither run nor exited (the init waits on exec.fifo).</summary>
    Created,

    /// <summary>The user process runs.</summary>
    Running,

    /// <summary>Frozen through the cgroup freezer (issue 5).</summary>
    Paused,

    /// <summary>The container process has exited.</summary>
    Stopped,
}

internal static class ContainerStatusExtensions
{
    /// <summary>The spec's string: "creating", "created", "running", "paused", "stopped".</summary>
    public static string ToOciString(this ContainerStatus status) => status switch
    {
        ContainerStatus.Creating => "creating",
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        ContainerStatus.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a container status"),
    };

    /// <summary>The status of an OCI string, case-insensitive as the enum converter read it; null when unknown.</summary>
    public static ContainerStatus? FromOciString(string? text) => text?.ToLowerInvariant() switch
    {
        "creating" => ContainerStatus.Creating,
        "created" => ContainerStatus.Created,
        "running" => ContainerStatus.Running,
        "paused" => ContainerStatus.Paused,
        "stopped" => ContainerStatus.Stopped,
        _ => null,
    };
}
