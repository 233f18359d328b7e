using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hutch.Runtime.State;

/// <summary>state.json (hutch's own file) and the OCI state JSON (for `hutch state` and hooks).</summary>
internal static class StateJson
{
    /// <summary>The generated serializer, built on first use only (<see cref="Contexts"/>): reading
    /// state and printing the OCI state, what most commands do, never need it.</summary>
    private static StateJsonContext Compact => Contexts.Compact;

    /// <summary>
    /// Indentation comes from the writer, not from a second JsonSerializerOptions: every options
    /// instance builds its own metadata for each type on first use (a cost paid per process, per
    /// instance), and a command that reads and writes state would pay it twice.
    /// </summary>
    private static readonly JsonWriterOptions IndentedWriter = new() { Indented = true, IndentSize = 2 };

    /// <summary>state.json bytes (indented, for people who look at the file).</summary>
    public static byte[] Serialize(ContainerState state) =>
        SerializeIndented(state, Compact.ContainerState);

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
            state = StateFileReader.Read(utf8);
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
        // `required` only asks for the key: a null value would fail later, far from the file.
        var missing = new[] { ("ociVersion", state.OciVersion), ("id", state.Id), ("bundle", state.Bundle), ("rootfs", state.Rootfs) }
            .FirstOrDefault(field => field.Item2 is null).Item1;
        if (missing is not null || state.Cgroup?.Values.Any(v => v is null) == true || state.Annotations?.Values.Any(v => v is null) == true)
        {
            throw new StateException(path, $"is not a valid hutch state file: {(missing is null ? "a cgroup path or an annotation" : "\"" + missing + "\"")} is null");
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
    /// runtime.md's order. pid is 0 once stopped, as `runc state` prints it, unless
    /// <paramref name="keepPidWhenStopped"/> (runc's poststop hooks get the dead init's pid);
    /// annotations are omitted when empty. Indented with two spaces like runc, or on one line.
    /// </summary>
    public static string ToOciJson(ContainerState state, ContainerStatus status, bool indented = true, bool keepPidWhenStopped = false) =>
        Encoding.UTF8.GetString(ToOciJsonUtf8(state, status, indented, keepPidWhenStopped));

    /// <summary>UTF-8 bytes of <see cref="ToOciJson"/> (one line by default), e.g. for a hook's stdin.
    /// Written field by field, without the serializer's metadata (a cost per process that `state`
    /// would pay for five fields; <see cref="StateFileReader"/> says why); the writer escapes as the
    /// serializer did.</summary>
    public static byte[] ToOciJsonUtf8(ContainerState state, ContainerStatus status, bool indented = false, bool keepPidWhenStopped = false)
    {
        var oci = ToOci(state, status, keepPidWhenStopped);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedWriter : default))
        {
            writer.WriteStartObject();
            writer.WriteString("ociVersion", oci.OciVersion);
            writer.WriteString("id", oci.Id);
            writer.WriteString("status", oci.Status.ToOciString());
            writer.WriteNumber("pid", oci.Pid);
            writer.WriteString("bundle", oci.Bundle);
            if (oci.Annotations is { } annotations)
            {
                writer.WriteStartObject("annotations");
                foreach (var (key, value) in annotations)
                {
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses OCI state JSON (what a hook reads); throws JsonException when malformed.</summary>
    public static OciState ParseOci(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, Compact.OciState) ?? throw new JsonException("the OCI state is `null`");

    /// <summary>
    /// `list --format json` as runc writes it: an array (never null; "[]" when empty) of
    /// <see cref="ContainerSummary"/>, on one line, each with its live status.
    /// </summary>
    public static string ToListJson(IEnumerable<(ContainerState State, ContainerStatus Status)> containers) =>
        JsonSerializer.Serialize(containers.Select(c => ToSummary(c.State, c.Status)).ToList(), Compact.ListContainerSummary);

    /// <summary>The `list` view of <paramref name="state"/> with the live status.</summary>
    public static ContainerSummary ToSummary(ContainerState state, ContainerStatus status) => new()
    {
        OciVersion = state.OciVersion,
        Id = state.Id,
        Pid = status == ContainerStatus.Stopped ? 0 : state.Pid,
        Status = status,
        Bundle = state.Bundle,
        Rootfs = state.Rootfs,
        Created = state.Created.UtcDateTime,
        Annotations = state.Annotations is { Count: > 0 } a ? a : null,
        Owner = state.Owner ?? "",
    };

    /// <summary>The OCI view of <paramref name="state"/> with the live status.</summary>
    public static OciState ToOci(ContainerState state, ContainerStatus status, bool keepPidWhenStopped = false) => new()
    {
        OciVersion = state.OciVersion,
        Id = state.Id,
        Status = status,
        Pid = status == ContainerStatus.Stopped && !keepPidWhenStopped ? 0 : state.Pid,
        Bundle = state.Bundle,
        Annotations = state.Annotations is { Count: > 0 } a ? a : null,
    };

    private static byte[] SerializeIndented<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, IndentedWriter))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Holds the context so that its construction (and StateJsonContext's static
    /// constructor: encoded property names, the JavaScript encoder's tables) runs when a caller
    /// first serializes, not when StateJson is first touched.</summary>
    private static class Contexts
    {
        internal static readonly StateJsonContext Compact = new(new JsonSerializerOptions(StateJsonContext.Default.Options));
    }
}
