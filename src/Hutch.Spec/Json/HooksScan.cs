using System.Text.Json;

namespace Hutch.Spec;

/// <summary>
/// Whether config.json may have hooks, without the full parse: the full parse builds the JSON
/// metadata of the whole spec model (milliseconds), which `start` and `delete` of a config
/// without hooks, the common case, do not need.
/// </summary>
internal static class HooksScan
{
    /// <summary>
    /// False only when <paramref name="config"/> is a well-formed JSON object without a
    /// top-level "hooks" member other than null; anything else (hooks, malformed JSON) is left to
    /// the full parse, which reports its errors as before.
    /// </summary>
    public static bool MayHaveHooks(ReadOnlySpan<byte> config) => MayHave(config, "hooks");

    /// <summary>
    /// False only when <paramref name="config"/> is a well-formed JSON object without a
    /// top-level member <paramref name="name"/> other than null (e.g. "process", which `start`
    /// needs before it lets the init go on).
    /// </summary>
    public static bool MayHave(ReadOnlySpan<byte> config, string name)
    {
        try
        {
            var reader = new Utf8JsonReader(config, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return true;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Case-insensitive, as the full parse reads member names.
                var isWanted = string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);
                if (!reader.Read())
                {
                    return true;
                }
                if (isWanted && reader.TokenType != JsonTokenType.Null)
                {
                    return true;
                }
                reader.Skip();
            }
            // At the object's end: anything after it (which Read rejects) is the full parse's error.
            return reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read();
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
