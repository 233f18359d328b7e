using Hutch.Logging;

namespace Hutch.Tests;

public class CliLogTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 21, 50, 0, TimeSpan.FromHours(1));

    [Fact]
    public void Log_file_gets_the_failure_and_stderr_gets_hutch_prefix()
    {
        var path = Path.Combine(Path.GetTempPath(), "hutch-log-" + Guid.NewGuid().ToString("N"));
        try
        {
            var stderr = new StringWriter();
            using (var log = CliLog.Open(path, LogFormat.Json, debug: false, stderr, () => Time))
            {
                log.Failure("first");
                log.Debug("not written without --debug");
                log.Failure("second");
            }

            Assert.Equal("hutch: first\nhutch: second\n", stderr.ToString().ReplaceLineEndings("\n"));
            var lines = File.ReadAllLines(path);
            Assert.Equal(2, lines.Length);
            Assert.Equal("{\"level\":\"error\",\"msg\":\"second\",\"time\":\"2026-11-27T20:50:00Z\"}", lines[1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Debug_adds_exception_detail_without_stack_trace()
    {
        var stderr = new StringWriter();
        var cause = new InvalidOperationException("outer", new IOException("inner"));
        using (var log = CliLog.Open(null, LogFormat.Text, debug: true, stderr, () => Time))
        {
            log.Failure("outer", cause);
        }

        var text = stderr.ToString();
        Assert.Contains("hutch: outer", text, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: outer", text, StringComparison.Ordinal);
        Assert.Contains("caused by System.IO.IOException: inner", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_processes_logging_to_one_file_do_not_overwrite_each_other()
    {
        var path = Path.Combine(Path.GetTempPath(), "hutch-log-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = CliLog.Open(path, LogFormat.Json, debug: false, new StringWriter(), () => Time))
            using (var second = CliLog.Open(path, LogFormat.Json, debug: false, new StringWriter(), () => Time))
            {
                first.Failure("one");
                second.Failure("two");
                first.Failure("three");
            }

            var messages = File.ReadAllLines(path).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("msg").GetString());
            Assert.Equal(["one", "two", "three"], messages);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_unopenable_log_file_is_a_failure_naming_the_path()
    {
        var path = "/nonexistent-dir-" + Guid.NewGuid().ToString("N") + "/log.json";

        var e = Assert.Throws<CommandFailedException>(() => CliLog.Open(path, LogFormat.Json, false, new StringWriter()));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
