using System.Text.Json;

namespace Hutch.Runtime.State;

/// <summary>state.json (hutch's own file) and the OCI state JSON (for `hutch state` and hooks).</summary>
internal static class StateJson
{
    private static readonly StateJsonContext Compact = new(new JsonSerializerOptions(StateJsonContext.Default.Options));

    private static readonly StateJsonContext Indented = new(new JsonSerializerOptions(StateJsonContext.Default.Options)
    {
        WriteIndented = true,
        IndentSize = 2,
    });

    /// <summary>state.json bytes (indented, for people who look at the file).</summary>
    public static byte[] Serialize(ContainerState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, Indented.ContainerState);

    /// <summary>
    /// Parses state.json. Throws <see cref="StateException"/> naming <paramref name="path"/>
    /// when it is not JSON, lacks a required field (ociVersion, id, bundle, rootfs), has a
    /// status hutch does not know, or comes from a newer hutch.
    /// </summary>
    public static ContainerState Parse(ReadOnlySpan<byte> utf8, string path)
    {
        ContainerState? state;
        try
        {
            state = JsonSerializer.Deserialize(utf8, Compact.ContainerState);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } p ? $" at {p}" : "";
            throw new StateException(path, $"is not a valid hutch state file{where}: {e.Message}", e);
        }
        if (state is null)
        {
            throw new StateException(path, "holds `null` instead of a container state");
        }
        if (state.Format > ContainerState.CurrentFormat)
        {
            throw new StateException(path,
                $"has format {state.Format}; this hutch reads format {ContainerState.CurrentFormat} and older (was the container created by a newer hutch?)");
        }
        if (!Enum.IsDefined(state.Status))
        {
            throw new StateException(path, $"has an unknown status {(int)state.Status}");
        }
        return state;
    }

    /// <summary>
    /// The OCI state JSON of <paramref name="state"/> with the live <paramref name="status"/>
    /// (from <see cref="StatusProbe"/>): ociVersion, id, status, pid, bundle, annotations, in
    /// runtime.md's order. pid is 0 once stopped, as `runc state` prints it; annotations are
    /// omitted when empty. Indented with two spaces like runc, or on one line (for hooks' stdin).
    /// </summary>
    public static string ToOciJson(ContainerState state, ContainerStatus status, bool indented = true) =>
        JsonSerializer.Serialize(ToOci(state, status), indented ? Indented.OciState : Compact.OciState);

    /// <summary>UTF-8 bytes of <see cref="ToOciJson"/>, e.g. to write to a hook's stdin.</summary>
    public static byte[] ToOciJsonUtf8(ContainerState state, ContainerStatus status, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(ToOci(state, status), indented ? Indented.OciState : Compact.OciState);

    /// <summary>Parses OCI state JSON (what a hook reads); throws JsonException when malformed.</summary>
    public static OciState ParseOci(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, Compact.OciState) ?? throw new JsonException("the OCI state is `null`");

    /// <summary>The OCI view of <paramref name="state"/> with the live status.</summary>
    public static OciState ToOci(ContainerState state, ContainerStatus status) => new()
    {
        OciVersion = state.OciVersion,
        Id = state.Id,
        Status = status,
        Pid = status == ContainerStatus.Stopped ? 0 : state.Pid,
        Bundle = state.Bundle,
        Annotations = state.Annotations is { Count: > 0 } a ? a : null,
    };
}
