using Hutch.Runtime.Signals;

namespace Hutch.Runtime.Tests.Signals;

public class SignalNamesTests
{
    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("SIGKILL", 9)]
    [InlineData("sigkill", 9)]
    [InlineData("kill", 9)]
    [InlineData("SigTerm", 15)]
    [InlineData("TERM", 15)]
    [InlineData("HUP", 1)]
    [InlineData("INT", 2)]
    [InlineData("USR1", 10)]
    [InlineData("SIGUSR2", 12)]
    [InlineData("STKFLT", 16)]
    [InlineData("CHLD", 17)]
    [InlineData("STOP", 19)]
    [InlineData("WINCH", 28)]
    [InlineData("IO", 29)]
    [InlineData("PWR", 30)]
    [InlineData("SYS", 31)]
    [InlineData("IOT", 6)]
    [InlineData("SIGCLD", 17)]
    [InlineData("poll", 29)]
    [InlineData("9", 9)]
    [InlineData("15", 15)]
    [InlineData("09", 9)]
    [InlineData("0", 0)]
    [InlineData("32", 32)]
    [InlineData("64", 64)]
    [InlineData("RTMIN", 34)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("RTMIN+0", 34)]
    [InlineData("SIGRTMIN+1", 35)]
    [InlineData("rtmin+30", 64)]
    [InlineData("RTMAX", 64)]
    [InlineData("sigrtmax-1", 63)]
    [InlineData("RTMAX-30", 34)]
    public void Parses(string text, int expected)
    {
        Assert.Equal(expected, SignalNames.Parse(text));
        Assert.True(SignalNames.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("FOO")]
    [InlineData("SIGFOO")]
    [InlineData("SIG")]
    [InlineData("SIGSIGKILL")]
    [InlineData("65")]
    [InlineData("99999999999")]
    [InlineData("-9")]
    [InlineData("+9")]
    [InlineData(" 9")]
    [InlineData("9 ")]
    [InlineData("9x")]
    [InlineData("KILL ")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMIN-1")]
    [InlineData("RTMAX+1")]
    [InlineData("RTMAX-31")]
    [InlineData("RTMIN+")]
    [InlineData("RTMIN+x")]
    [InlineData("RTMIN++1")]
    public void Refuses_and_says_what_is_accepted(string text)
    {
        var e = Assert.Throws<FormatException>(() => SignalNames.Parse(text));
        Assert.Contains("0 to 64", e.Message, StringComparison.Ordinal);
        Assert.False(SignalNames.TryParse(text, out _));
    }

    [Fact]
    public void Unknown_name_message_lists_the_forms()
    {
        var e = Assert.Throws<FormatException>(() => SignalNames.Parse("FOO"));
        Assert.Equal(
            "unknown signal \"FOO\": give a signal name with or without SIG in any case (TERM, SIGKILL, hup), RTMIN, RTMIN+n, RTMAX-n, RTMAX, or a number from 0 to 64",
            e.Message);
    }

    [Fact]
    public void Null_is_refused() => Assert.False(SignalNames.TryParse(null, out _));

    [Theory]
    [InlineData(1, "SIGHUP")]
    [InlineData(9, "SIGKILL")]
    [InlineData(15, "SIGTERM")]
    [InlineData(29, "SIGIO")]
    [InlineData(31, "SIGSYS")]
    [InlineData(0, "0")]
    [InlineData(32, "32")]
    [InlineData(33, "33")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(35, "SIGRTMIN+1")]
    [InlineData(49, "SIGRTMIN+15")]
    [InlineData(50, "SIGRTMAX-14")]
    [InlineData(63, "SIGRTMAX-1")]
    [InlineData(64, "SIGRTMAX")]
    public void Names(int signal, string expected) => Assert.Equal(expected, SignalNames.ToName(signal));

    [Fact]
    public void Every_signal_round_trips()
    {
        for (var n = 0; n <= SignalNames.Max; n++)
        {
            Assert.Equal(n, SignalNames.Parse(SignalNames.ToName(n)));
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void Naming_out_of_range_throws(int signal) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalNames.ToName(signal));
}
