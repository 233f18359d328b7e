using System.Text;
using Hutch.Runtime.Init;

namespace Hutch.Runtime.Tests.Init;

/// <summary>The init protocol's wire form: every message round-trips, and bad input is an InitException.</summary>
public sealed class InitMessageCodecTests
{
    [Fact]
    public void A_bootstrap_round_trips_with_every_field()
    {
        var sent = new InitBootstrap
        {
            Id = "c1",
            ConfigJson = "{\"ociVersion\":\"1.3.0\",\"process\":{\"args\":[\"sh\",\"-c\",\"echo \\\"<&>\\\" é\"]}}",
            Bundle = "/b",
            Rootfs = "/b/rootfs",
            NoPivot = true,
            NoNewKeyring = true,
            ExecFifoPath = "/run/hutch/c1/exec.fifo",
            StateDirectory = "/run/hutch/c1",
            HostPid = 4242,
            PreservedFds = 2,
            ListenFds = 1,
            UserNamespace = true,
            MountNamespace = true,
            UnshareCgroupNamespace = true,
            ConsoleSocketFd = 7,
        };

        var got = Assert.IsType<InitBootstrap>(InitMessageCodec.Decode(InitMessageCodec.Encode(sent)));

        Assert.Equivalent(sent, got, strict: true);
    }

    [Fact]
    public void A_bootstrap_without_the_optional_fields_keeps_them_null()
    {
        var sent = new InitBootstrap { Id = "c", ConfigJson = "{}", Bundle = "/b", Rootfs = "/r", ExecFifoPath = "/f", StateDirectory = "/s" };

        var json = Encoding.UTF8.GetString(InitMessageCodec.Encode(sent));
        var got = Assert.IsType<InitBootstrap>(InitMessageCodec.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("{\"type\":\"bootstrap\",", json, StringComparison.Ordinal);
        Assert.DoesNotContain("listenFds", json, StringComparison.Ordinal);
        Assert.Null(got.ListenFds);
        Assert.Null(got.ConsoleSocketFd);
        Assert.False(got.NoPivot);
    }

    [Fact]
    public void The_small_messages_round_trip()
    {
        Assert.IsType<InitRunHooks>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitRunHooks())));
        Assert.IsType<InitHooksDone>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitHooksDone())));
        Assert.Equal(7, Assert.IsType<InitIdMapRequest>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitIdMapRequest { MountIndex = 7 }))).MountIndex);
        Assert.IsType<InitIdMapped>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitIdMapped())));
        var ready = Assert.IsType<InitReady>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitReady { Warnings = ["a", "b \"c\""] })));
        Assert.Equal(["a", "b \"c\""], ready.Warnings);
        var error = Assert.IsType<InitError>(InitMessageCodec.Decode(InitMessageCodec.Encode(new InitError { Message = "mount /proc: EPERM\nline 2" })));
        Assert.Equal("mount /proc: EPERM\nline 2", error.Message);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_the_type_may_come_last()
    {
        var got = InitMessageCodec.Decode("{\"message\":\"m\",\"extra\":{\"x\":[1,2]},\"type\":\"error\"}"u8);

        Assert.Equal("m", Assert.IsType<InitError>(got).Message);
    }

    [Theory]
    [InlineData("", "cannot read")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"type\":\"nosuch\"}", "unknown type \"nosuch\"")]
    [InlineData("{\"id\":\"x\"}", "no \"type\"")]
    [InlineData("{\"type\":\"error\"}", "\"error\" without \"message\"")]
    [InlineData("{\"type\":\"bootstrap\",\"id\":\"c\"}", "\"bootstrap\" without \"configJson\"")]
    [InlineData("{\"type\":\"bootstrap\",\"hostPid\":\"12\"}", "\"hostPid\" is not a 32-bit integer")]
    [InlineData("{\"type\":\"ready\",\"warnings\":\"w\"}", "\"warnings\" is not an array")]
    [InlineData("{\"type\":\"error\",\"message\":\"m\"", "cannot read")]
    [InlineData("{\"type\":\"error\",\"message\":\"m\"} {}", "cannot read")]
    public void Bad_input_is_an_InitException_that_says_what(string json, string expected)
    {
        var e = Assert.Throws<InitException>(() => InitMessageCodec.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("the init socket carried a message hutch cannot read", e.Message, StringComparison.Ordinal);
    }
}
