using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hutch.Runtime.Init;

/// <summary>
/// The init protocol's messages as JSON objects (`"type"` first, then the fields in camelCase),
/// written and read by hand with Utf8JsonWriter and Utf8JsonReader. A serializer context would
/// build System.Text.Json's metadata for these types (polymorphism attributes read by
/// reflection included) in both processes at every create: in the init's profile that was a
/// fifth of its own work (bench/RESULTS.md). Unknown fields are ignored; a missing or mistyped
/// field is an <see cref="InitException"/>.
/// </summary>
internal static class InitMessageCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(InitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            switch (message)
            {
                case InitBootstrap boot:
                    writer.WriteString("type", "bootstrap");
                    writer.WriteString("id", boot.Id);
                    writer.WriteString("configJson", boot.ConfigJson);
                    writer.WriteString("bundle", boot.Bundle);
                    writer.WriteString("rootfs", boot.Rootfs);
                    writer.WriteBoolean("noPivot", boot.NoPivot);
                    writer.WriteBoolean("noNewKeyring", boot.NoNewKeyring);
                    writer.WriteString("execFifoPath", boot.ExecFifoPath);
                    writer.WriteString("stateDirectory", boot.StateDirectory);
                    writer.WriteNumber("hostPid", boot.HostPid);
                    writer.WriteNumber("preservedFds", boot.PreservedFds);
                    if (boot.ListenFds is { } listenFds)
                    {
                        writer.WriteNumber("listenFds", listenFds);
                    }
                    writer.WriteBoolean("userNamespace", boot.UserNamespace);
                    writer.WriteBoolean("mountNamespace", boot.MountNamespace);
                    writer.WriteBoolean("unshareCgroupNamespace", boot.UnshareCgroupNamespace);
                    if (boot.ConsoleSocketFd is { } consoleSocketFd)
                    {
                        writer.WriteNumber("consoleSocketFd", consoleSocketFd);
                    }
                    break;
                case InitRunHooks:
                    writer.WriteString("type", "runHooks");
                    break;
                case InitHooksDone:
                    writer.WriteString("type", "hooksDone");
                    break;
                case InitCommit:
                    writer.WriteString("type", "commit");
                    break;
                case InitCommitted:
                    writer.WriteString("type", "committed");
                    break;
                case InitReady ready:
                    writer.WriteString("type", "ready");
                    writer.WriteStartArray("warnings");
                    foreach (var warning in ready.Warnings)
                    {
                        writer.WriteStringValue(warning);
                    }
                    writer.WriteEndArray();
                    break;
                case InitIdMapRequest request:
                    writer.WriteString("type", "idMapRequest");
                    writer.WriteNumber("mountIndex", request.MountIndex);
                    break;
                case InitIdMapped:
                    writer.WriteString("type", "idMapped");
                    break;
                case InitError error:
                    writer.WriteString("type", "error");
                    writer.WriteString("message", error.Message);
                    break;
                default:
                    throw new ArgumentException($"no wire form for {message.GetType().Name}", nameof(message));
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static InitMessage Decode(ReadOnlySpan<byte> json)
    {
        var fields = new Fields();
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Bad("not a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                fields.Read(name, ref reader);
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Bad("trailing or truncated JSON");
            }
        }
        catch (JsonException e)
        {
            throw Bad(e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw Bad(e.Message, e);
        }
        return fields.Type switch
        {
            "bootstrap" => new InitBootstrap
            {
                Id = fields.Required(fields.Id, "id"),
                ConfigJson = fields.Required(fields.ConfigJson, "configJson"),
                Bundle = fields.Required(fields.Bundle, "bundle"),
                Rootfs = fields.Required(fields.Rootfs, "rootfs"),
                NoPivot = fields.NoPivot,
                NoNewKeyring = fields.NoNewKeyring,
                ExecFifoPath = fields.Required(fields.ExecFifoPath, "execFifoPath"),
                StateDirectory = fields.Required(fields.StateDirectory, "stateDirectory"),
                HostPid = fields.HostPid,
                PreservedFds = fields.PreservedFds,
                ListenFds = fields.ListenFds,
                UserNamespace = fields.UserNamespace,
                MountNamespace = fields.MountNamespace,
                UnshareCgroupNamespace = fields.UnshareCgroupNamespace,
                ConsoleSocketFd = fields.ConsoleSocketFd,
            },
            "runHooks" => new InitRunHooks(),
            "hooksDone" => new InitHooksDone(),
            "commit" => new InitCommit(),
            "committed" => new InitCommitted(),
            "ready" => new InitReady { Warnings = fields.Warnings ?? [] },
            "idMapRequest" => new InitIdMapRequest { MountIndex = fields.MountIndex },
            "idMapped" => new InitIdMapped(),
            "error" => new InitError { Message = fields.Required(fields.Message, "message") },
            null => throw Bad("no \"type\""),
            var other => throw Bad($"unknown type \"{other}\""),
        };
    }

    private static InitException Bad(string what, Exception? inner = null)
    {
        var message = $"the init socket carried a message hutch cannot read: {what} (a protocol error between hutch versions?)";
        return inner is null ? new InitException(message) : new InitException(message, inner);
    }

    /// <summary>Every field any message has; each message takes its own.</summary>
    private sealed class Fields
    {
        public string? Type, Id, ConfigJson, Bundle, Rootfs, ExecFifoPath, StateDirectory, Message;
        public bool NoPivot, NoNewKeyring, UserNamespace, MountNamespace, UnshareCgroupNamespace;
        public int HostPid, PreservedFds, MountIndex;
        public int? ListenFds, ConsoleSocketFd;
        public List<string>? Warnings;

        public void Read(string name, ref Utf8JsonReader reader)
        {
            switch (name)
            {
                case "type": Type = String(ref reader, name); break;
                case "id": Id = String(ref reader, name); break;
                case "configJson": ConfigJson = String(ref reader, name); break;
                case "bundle": Bundle = String(ref reader, name); break;
                case "rootfs": Rootfs = String(ref reader, name); break;
                case "execFifoPath": ExecFifoPath = String(ref reader, name); break;
                case "stateDirectory": StateDirectory = String(ref reader, name); break;
                case "message": Message = String(ref reader, name); break;
                case "noPivot": NoPivot = Boolean(ref reader, name); break;
                case "noNewKeyring": NoNewKeyring = Boolean(ref reader, name); break;
                case "userNamespace": UserNamespace = Boolean(ref reader, name); break;
                case "mountNamespace": MountNamespace = Boolean(ref reader, name); break;
                case "unshareCgroupNamespace": UnshareCgroupNamespace = Boolean(ref reader, name); break;
                case "hostPid": HostPid = Int(ref reader, name); break;
                case "preservedFds": PreservedFds = Int(ref reader, name); break;
                case "mountIndex": MountIndex = Int(ref reader, name); break;
                case "listenFds": ListenFds = reader.TokenType == JsonTokenType.Null ? null : Int(ref reader, name); break;
                case "consoleSocketFd": ConsoleSocketFd = reader.TokenType == JsonTokenType.Null ? null : Int(ref reader, name); break;
                case "warnings": Warnings = Strings(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        public string Required(string? value, string name) => value ?? throw Bad($"\"{Type}\" without \"{name}\"");

        private static string String(ref Utf8JsonReader reader, string name) =>
            reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Bad($"\"{name}\" is not a string");

        private static bool Boolean(ref Utf8JsonReader reader, string name) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw Bad($"\"{name}\" is not a boolean"),
        };

        private static int Int(ref Utf8JsonReader reader, string name) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Bad($"\"{name}\" is not a 32-bit integer");

        private static List<string> Strings(ref Utf8JsonReader reader, string name)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Bad($"\"{name}\" is not an array");
            }
            var list = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(String(ref reader, name));
            }
            return list;
        }
    }
}
