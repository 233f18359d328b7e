using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hutch.Runtime.State;

/// <summary>
/// <see cref="ContainerStatus"/> as the spec's lower-case string. Reads what the enum converter it
/// replaces read: the names in any case, and the numbers of the enum's values.
/// </summary>
internal sealed class ContainerStatusJsonConverter : JsonConverter<ContainerStatus>
{
    public override ContainerStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number)
            && number is >= (int)ContainerStatus.Creating and <= (int)ContainerStatus.Stopped)
        {
            return (ContainerStatus)number;
        }
        if (reader.TokenType == JsonTokenType.String
            && ContainerStatusExtensions.FromOciString(reader.GetString()) is { } status)
        {
            return status;
        }
        throw new JsonException(string.Create(CultureInfo.InvariantCulture,
            $"status: expected creating, created, running, paused or stopped, got {reader.TokenType}"));
    }

    public override void Write(Utf8JsonWriter writer, ContainerStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToOciString());
}
