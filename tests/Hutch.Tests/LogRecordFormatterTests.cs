using System.Text;
using System.Text.Json;
using Hutch.Logging;

namespace Hutch.Tests;

public class LogRecordFormatterTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 21, 50, 0, TimeSpan.FromHours(1));

    [Fact]
    public void Json_record_is_one_line_with_level_msg_and_utc_time()
    {
        var line = Encoding.UTF8.GetString(LogRecordFormatter.Format(LogFormat.Json, LogLevel.Error, "container \"x\" does not exist", Time));

        Assert.Equal("{\"level\":\"error\",\"msg\":\"container \\\"x\\\" does not exist\",\"time\":\"2026-11-27T20:50:00Z\"}\n", line);
    }

    [Fact]
    public void Json_record_keeps_a_multi_line_message_on_one_line()
    {
        var line = Encoding.UTF8.GetString(LogRecordFormatter.Format(LogFormat.Json, LogLevel.Error, "a\n  b", Time));

        Assert.Single(line.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("a\n  b", doc.RootElement.GetProperty("msg").GetString());
    }

    [Fact]
    public void Text_record_is_logfmt()
    {
        var line = Encoding.UTF8.GetString(LogRecordFormatter.Format(LogFormat.Text, LogLevel.Debug, "say \"hi\"\nnow", Time));

        Assert.Equal("time=\"2026-11-27T20:50:00Z\" level=debug msg=\"say \\\"hi\\\"\\nnow\"\n", line);
    }
}
