using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hutch.Spec;

/// <summary>
/// Decodes a spec document (config.json, features) with source-generated metadata and turns
/// System.Text.Json's errors into <see cref="ConfigFormatException"/>s that name the source, the
/// JSON path in the spec's style (linux.namespaces[0].type) and the line.
/// </summary>
internal static class JsonDecoding
{
    private const string ConvertPrefix = "The JSON value could not be converted to ";

    internal static T Decode<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> typeInfo, string source)
        where T : class
    {
        // Tolerate a UTF-8 byte order mark (editors add one); JSON itself forbids it.
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        // Syntax, text (UTF-8, NUL) and duplicate members first, each named by its path.
        JsonTextCheck.Check(utf8, source);

        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8, typeInfo);
        }
        catch (JsonException ex)
        {
            throw Describe(ex, source);
        }

        return value ?? throw new ConfigFormatException(
            source, null, $"{source}: the document is null; expected a JSON object");
    }

    internal static ConfigFormatException Describe(JsonException ex, string source)
    {
        string? path = ToSpecPath(ex.Path);
        string what = WhatIsWrong(ex.Message);
        long? line = ex.LineNumber is { } l ? l + 1 : null;

        var message = new StringBuilder(source).Append(": ");
        if (!string.IsNullOrEmpty(path))
        {
            message.Append(path).Append(": ");
        }

        message.Append(what);
        if (line is { } n)
        {
            message.Append(CultureInfo.InvariantCulture, $" (line {n})");
        }

        return new ConfigFormatException(source, string.IsNullOrEmpty(path) ? null : path, message.ToString(), ex)
        {
            Line = line,
        };
    }

    /// <summary>"$.linux.netDevices.eth0.name" becomes linux.netDevices["eth0"].name; "$" becomes "".</summary>
    internal static string? ToSpecPath(string? stjPath)
    {
        if (stjPath is null)
        {
            return null;
        }

        var output = new StringBuilder();
        string? previousName = null;
        int i = stjPath.StartsWith('$') ? 1 : 0;
        while (i < stjPath.Length)
        {
            string name;
            bool isIndex = false;
            if (stjPath[i] == '.')
            {
                int end = stjPath.IndexOfAny(['.', '['], i + 1);
                if (end < 0)
                {
                    end = stjPath.Length;
                }

                name = stjPath[(i + 1)..end];
                i = end;
            }
            else if (stjPath[i] == '[' && i + 1 < stjPath.Length && stjPath[i + 1] == '\'')
            {
                int end = stjPath.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    end = stjPath.Length;
                }

                name = stjPath[(i + 2)..end];
                i = Math.Min(end + 2, stjPath.Length);
            }
            else if (stjPath[i] == '[')
            {
                int end = stjPath.IndexOf(']', i + 1);
                if (end < 0)
                {
                    end = stjPath.Length;
                }

                name = stjPath[(i + 1)..end];
                i = Math.Min(end + 1, stjPath.Length);
                isIndex = true;
            }
            else
            {
                // Not a path shape we know: keep the rest as it is.
                output.Append(stjPath[i..]);
                break;
            }

            if (isIndex)
            {
                output.Append('[').Append(name).Append(']');
                previousName = null;
            }
            else if (previousName is not null && JsonTextCheck.MapProperties.Contains(previousName))
            {
                output.Append('[').Append(JsonPath.Quote(name)).Append(']');
                previousName = null;
            }
            else
            {
                if (output.Length > 0)
                {
                    output.Append('.');
                }

                output.Append(JsonPath.Cut(name));
                previousName = name;
            }
        }

        return output.ToString();
    }

    private static string WhatIsWrong(string message)
    {
        string core = message;
        int at = core.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at >= 0)
        {
            core = core[..at];
        }

        if (core.StartsWith(ConvertPrefix, StringComparison.Ordinal))
        {
            return Expected(core[ConvertPrefix.Length..].TrimEnd('.'));
        }

        if (core.Contains("doesn't allow setting null values", StringComparison.Ordinal)
            || core.Contains("cannot be null", StringComparison.Ordinal))
        {
            return "must not be null";
        }

        return StripPosition(core);
    }

    private static string Expected(string dotnetType)
    {
        if (dotnetType.StartsWith("System.Collections.Generic.List`1", StringComparison.Ordinal))
        {
            return "expected an array";
        }

        if (dotnetType.StartsWith("System.Collections.Generic.Dictionary`2", StringComparison.Ordinal))
        {
            return "expected an object";
        }

        const string nullable = "System.Nullable`1[";
        if (dotnetType.StartsWith(nullable, StringComparison.Ordinal) && dotnetType.EndsWith(']'))
        {
            dotnetType = dotnetType[nullable.Length..^1];
        }

        return dotnetType switch
        {
            "System.String" => "expected a string",
            "System.Boolean" => "expected true or false",
            "System.UInt16" => "expected an integer from 0 to 65535",
            "System.UInt32" => "expected an integer from 0 to 4294967295",
            "System.UInt64" => "expected an integer from 0 to 18446744073709551615",
            "System.Int32" => "expected an integer from -2147483648 to 2147483647",
            "System.Int64" => "expected an integer from -9223372036854775808 to 9223372036854775807",
            _ when dotnetType.StartsWith("Hutch.Spec.", StringComparison.Ordinal) => "expected an object",
            _ => $"expected a value of type {dotnetType}",
        };
    }

    private static string StripPosition(string message) => JsonTextCheck.StripPosition(message);
}
