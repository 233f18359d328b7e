using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hutch.Logging;

/// <summary>
/// Turns one log record into one line of bytes (newline included), in runc's (logrus's) shapes:
/// json <c>{"level":"error","msg":"...","time":"2026-11-27T20:50:00Z"}</c>,
/// text <c>time="2026-11-27T20:50:00Z" level=error msg="..."</c>. No reflection: Utf8JsonWriter.
/// </summary>
internal static class LogRecordFormatter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Valid JSON either way; this keeps non-ASCII readable, as Go's encoder does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>RFC 3339 in UTC, to the second (logrus's default timestamp format).</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static byte[] Format(LogFormat format, LogLevel level, string message, DateTimeOffset time) =>
        format == LogFormat.Json ? FormatJson(level, message, time) : FormatText(level, message, time);

    private static byte[] FormatJson(LogLevel level, string message, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("level", LogLevels.Name(level));
            writer.WriteString("msg", message);
            writer.WriteString("time", FormatTime(time));
            writer.WriteEndObject();
        }
        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    private static byte[] FormatText(LogLevel level, string message, DateTimeOffset time)
    {
        var line = new StringBuilder(64 + message.Length)
            .Append("time=\"").Append(FormatTime(time)).Append("\" level=").Append(LogLevels.Name(level))
            .Append(" msg=");
        AppendQuoted(line, message);
        line.Append('\n');
        return Encoding.UTF8.GetBytes(line.ToString());
    }

    /// <summary>A double-quoted value with backslash escapes, so a record stays on one line.</summary>
    private static void AppendQuoted(StringBuilder line, string value)
    {
        line.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': line.Append("\\\""); break;
                case '\\': line.Append("\\\\"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                case '\t': line.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        line.Append(c);
                    }
                    break;
            }
        }
        line.Append('"');
    }
}
