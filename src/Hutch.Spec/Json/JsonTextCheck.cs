using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Hutch.Spec;

/// <summary>
/// The first pass over a spec document, before any value is decoded: the JSON syntax, then every
/// string and member name as text the kernel can take, each finding named by its JSON path.
/// <list type="bullet">
/// <item>Valid UTF-8 (and no lone surrogate escape): System.Text.Json would only say "expected a
/// string" of a string that is one.</item>
/// <item>No NUL character (<c>\u0000</c>): every string but an annotation ends up as a C string (a
/// path, an argument, a name, a file's content), which ends at the first NUL, so
/// <c>"/mnt\u0000/../../../etc"</c> would mount at /mnt and a sysctl key would name another file.</item>
/// <item>No member twice in one object: decoders disagree on which one counts (System.Text.Json and
/// Go keep the last, others the first), and names match case-insensitively, so "Args" and "args"
/// are the same member.</item>
/// </list>
/// </summary>
internal static class JsonTextCheck
{
    // Objects whose members are data, not fields of the spec: keys are compared case-sensitively
    // and written ["key"] in paths.
    internal static readonly HashSet<string> MapProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "annotations", "sysctl", "timeOffsets", "netDevices", "rdma", "unified",
    };

    public static void Check(ReadOnlySpan<byte> utf8, string source)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        var path = new ReaderPath();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        path.BeginValue();
                        path.Push(isArray: false);
                        break;
                    case JsonTokenType.StartArray:
                        path.BeginValue();
                        path.Push(isArray: true);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(utf8, ref reader, source, path, isName: true)!;
                        if (!path.Member(name))
                        {
                            throw Fail(utf8, source, path, reader.TokenStartIndex, "appears twice in the same object; give each member once " +
                                                                                   "(decoders disagree on which one counts)");
                        }
                        CheckNul(utf8, reader.TokenStartIndex, name, source, path, "the member name");
                        break;
                    case JsonTokenType.String:
                        path.BeginValue();
                        _ = Text(utf8, ref reader, source, path, isName: false);
                        break;
                    default:
                        path.BeginValue();
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long column = (ex.BytePositionInLine ?? 0) + 1;
            throw new ConfigFormatException(
                source,
                null,
                string.Create(CultureInfo.InvariantCulture, $"{source}: invalid JSON at line {line}, column {column}: {StripPosition(ex.Message)}"),
                ex)
            {
                Line = line,
            };
        }
    }

    /// <summary>The token's text, after checking it is valid UTF-8 without NUL (outside annotations).</summary>
    private static string? Text(ReadOnlySpan<byte> utf8, ref Utf8JsonReader reader, string source, ReaderPath path, bool isName)
    {
        string? text = null;
        bool valid;
        if (reader.ValueIsEscaped || isName)
        {
            // Escapes may spell a NUL or a lone surrogate; GetString refuses invalid text.
            try
            {
                text = reader.GetString();
                valid = true;
            }
            catch (InvalidOperationException)
            {
                valid = false;
            }
        }
        else
        {
            // A raw control character (NUL included) is already a syntax error: only UTF-8 is left.
            valid = Utf8.IsValid(reader.ValueSpan);
        }
        if (!valid)
        {
            throw Fail(utf8, source, path, reader.TokenStartIndex, (isName ? "the member name" : "the string") +
                                             " is not valid UTF-8 text (or escapes a lone UTF-16 surrogate); " +
                                             "config.json must be UTF-8, and every name and string in it text");
        }
        if (!isName && text is not null)
        {
            CheckNul(utf8, reader.TokenStartIndex, text, source, path, "the string");
        }
        return text;
    }

    private static void CheckNul(ReadOnlySpan<byte> utf8, long tokenStart, string text, string source, ReaderPath path, string what)
    {
        var at = text.IndexOf('\0', StringComparison.Ordinal);
        if (at >= 0 && !path.InAnnotations)
        {
            throw Fail(utf8, source, path, tokenStart, what +
                       $" holds a NUL character (\\u0000) at offset {at.ToString(CultureInfo.InvariantCulture)}; " +
                       "the kernel takes paths, arguments and names as C strings, which end at the first NUL: remove it");
        }
    }

    private static ConfigFormatException Fail(ReadOnlySpan<byte> utf8, string source, ReaderPath path, long tokenStart, string what)
    {
        var at = path.ToString();
        var line = LineOf(utf8, tokenStart);
        var where = at.Length > 0 ? at + ": " : "";
        return new ConfigFormatException(source, at.Length > 0 ? at : null,
            string.Create(CultureInfo.InvariantCulture, $"{source}: {where}{what} (line {line})"))
        {
            Line = line,
        };
    }

    /// <summary>1-based line of the current token (the reader tells lines only in its own errors).</summary>
    private static long LineOf(ReadOnlySpan<byte> utf8, long tokenStart) =>
        1 + utf8[..(int)Math.Min(tokenStart, utf8.Length)].Count((byte)'\n');

    internal static string StripPosition(string message)
    {
        int at = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return at >= 0 ? message[..at] : message;
    }
}
