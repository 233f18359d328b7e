using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>
/// A container's status (runtime.md "State"). The JSON strings are the spec's, lower case.
/// Paused is runc's extra value (allowed: "additional values MAY be defined by the runtime").
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerStatus>))]
internal enum ContainerStatus
{
    /// <summary>Being created (lifecycle step 2); hooks that run during create see it.</summary>
    [JsonStringEnumMemberName("creating")] Creating,

    /// <summary>Create finished; the user process has neither run nor exited (the init waits on exec.fifo).</summary>
    [JsonStringEnumMemberName("created")] Created,

    /// <summary>The user process runs.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>Frozen through the cgroup freezer (issue 5).</summary>
    [JsonStringEnumMemberName("paused")] Paused,

    /// <summary>The container process has exited.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
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
}
