using System.Text.Json;

namespace Hutch.Runtime.State;

/// <summary>
/// Reads state.json into <see cref="ContainerState"/> with a <see cref="Utf8JsonReader"/>, by hand.
/// Every command but create starts by reading it, and System.Text.Json's metadata for the type
/// (built on first use in each process: property tables, encoded names, a reflective look for
/// polymorphism attributes) cost more than the rest of `hutch state` (bench/RESULTS.md, "The
/// CLI's start-up"); DESIGN.md section 2 allows such a decoder of the same model. It reads what
/// the generated reader read: camelCase names matched exactly, unknown members skipped, the last
/// of a repeated member wins, a null string kept (<see cref="StateJson.Parse"/> refuses it).
/// Malformed input is a <see cref="JsonException"/> carrying the member's JSON path.
/// </summary>
internal static class StateFileReader
{
    public static ContainerState? Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return ReadObject(utf8);
        }
        catch (InvalidOperationException e)
        {
            // The reader's GetString on text that is not UTF-8: a malformed file like any other.
            throw new JsonException(e.Message, e);
        }
    }

    private static ContainerState? ReadObject(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
        });
        if (!reader.Read())
        {
            throw new JsonException("the file is empty", "$", 0, 0);
        }
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.StartObject, "$");

        string? ociVersion = null, id = null, bundle = null, rootfs = null;
        bool sawOciVersion = false, sawId = false, sawBundle = false, sawRootfs = false;
        var state = new ContainerState { OciVersion = null!, Id = null!, Bundle = null!, Rootfs = null! };
        while (true)
        {
            Next(ref reader, "$");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            var name = reader.GetString()!;
            var path = "$." + name;
            Next(ref reader, path);
            switch (name)
            {
                case "format": state.Format = Int32(ref reader, path); break;
                case "ociVersion": ociVersion = String(ref reader, path); sawOciVersion = true; break;
                case "id": id = String(ref reader, path); sawId = true; break;
                case "status": state.Status = Status(ref reader, path); break;
                case "pid": state.Pid = Int32(ref reader, path); break;
                case "bundle": bundle = String(ref reader, path); sawBundle = true; break;
                case "annotations": state.Annotations = StringMap(ref reader, path); break;
                case "pidStartTime": state.PidStartTime = UInt64(ref reader, path); break;
                case "created": state.Created = Timestamp(ref reader, path); break;
                case "rootfs": rootfs = String(ref reader, path); sawRootfs = true; break;
                case "owner": state.Owner = String(ref reader, path); break;
                case "ownsNetworkNamespace": state.OwnsNetworkNamespace = Boolean(ref reader, path); break;
                case "ownsPidNamespace": state.OwnsPidNamespace = Boolean(ref reader, path); break;
                case "cgroup": state.Cgroup = StringMap(ref reader, path); break;
                case "systemdUnit": state.SystemdUnit = String(ref reader, path); break;
                case "systemdUserManager": state.SystemdUserManager = Boolean(ref reader, path); break;
                default:
                    if (!reader.TrySkip())
                    {
                        throw new JsonException("the file ends inside a value", path, null, null);
                    }
                    break;
            }
        }
        if (reader.Read())
        {
            throw new JsonException("more than one JSON value in the file", "$", null, null);
        }
        var missing = !sawOciVersion ? "ociVersion" : !sawId ? "id" : !sawBundle ? "bundle" : !sawRootfs ? "rootfs" : null;
        if (missing is not null)
        {
            throw new JsonException($"the required member \"{missing}\" is missing", "$", null, null);
        }
        state.OciVersion = ociVersion!;
        state.Id = id!;
        state.Bundle = bundle!;
        state.Rootfs = rootfs!;
        return state;
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read())
        {
            throw new JsonException("the file ends early", path, null, null);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {type}, got {reader.TokenType}", path, null, null);
        }
    }

    private static string? String(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.String, path);
        return reader.GetString();
    }

    private static int Int32(ref Utf8JsonReader reader, string path)
    {
        Expect(ref reader, JsonTokenType.Number, path);
        return reader.TryGetInt32(out var value) ? value : throw new JsonException("not a 32-bit integer", path, null, null);
    }

    private static ulong UInt64(ref Utf8JsonReader reader, string path)
    {
        Expect(ref reader, JsonTokenType.Number, path);
        return reader.TryGetUInt64(out var value) ? value : throw new JsonException("not an unsigned 64-bit integer", path, null, null);
    }

    private static bool Boolean(ref Utf8JsonReader reader, string path) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new JsonException($"expected true or false, got {reader.TokenType}", path, null, null),
    };

    private static DateTimeOffset Timestamp(ref Utf8JsonReader reader, string path)
    {
        Expect(ref reader, JsonTokenType.String, path);
        return reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException("not an ISO 8601 time", path, null, null);
    }

    /// <summary>As <see cref="ContainerStatusJsonConverter"/> reads it: a name in any case, or the enum's number.</summary>
    private static ContainerStatus Status(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number)
            && number is >= (int)ContainerStatus.Creating and <= (int)ContainerStatus.Stopped)
        {
            return (ContainerStatus)number;
        }
        if (reader.TokenType == JsonTokenType.String && ContainerStatusExtensions.FromOciString(reader.GetString()) is { } status)
        {
            return status;
        }
        throw new JsonException($"status: expected creating, created, running, paused or stopped, got {reader.TokenType}", path, null, null);
    }

    private static Dictionary<string, string>? StringMap(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.StartObject, path);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return map;
            }
            var key = reader.GetString()!;
            var valuePath = path + "." + key;
            Next(ref reader, valuePath);
            map[key] = String(ref reader, valuePath)!;
        }
    }
}
