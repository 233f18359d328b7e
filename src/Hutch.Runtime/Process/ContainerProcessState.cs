using System.Text.Json;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Processes;

/// <summary>
/// The "container process state" of runtime.md: what the seccomp agent at listenerPath reads
/// along with the notify fd (SCM_RIGHTS). Fields: ociVersion, fds (the names of the passed fds,
/// in order: "seccompFd"), pid (the container process as the runtime sees it), metadata
/// (linux.seccomp.listenerMetadata), state (the OCI state).
/// </summary>
internal static class ContainerProcessState
{
    public const string SeccompFdName = "seccompFd";

    public static byte[] Serialize(OciState state, string? metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("ociVersion", state.OciVersion);
            writer.WriteStartArray("fds");
            writer.WriteStringValue(SeccompFdName);
            writer.WriteEndArray();
            writer.WriteNumber("pid", state.Pid);
            if (!string.IsNullOrEmpty(metadata))
            {
                writer.WriteString("metadata", metadata);
            }
            writer.WritePropertyName("state");
            writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.OciState));
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
