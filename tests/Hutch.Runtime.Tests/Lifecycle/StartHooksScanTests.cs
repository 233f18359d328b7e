using System.Text;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Runtime.Tests.Lifecycle;

/// <summary>start parses config.json (for poststart hooks) only when its scan finds hooks; every doubt means "parse".</summary>
public sealed class StartHooksScanTests
{
    [Theory]
    [InlineData("""{"ociVersion":"1.3.0","process":{"args":["sh"],"env":["hooks=1"]},"root":{"path":"rootfs"}}""")]
    [InlineData("""{"hooks":null,"root":{"path":"rootfs"}}""")]
    [InlineData("""{"annotations":{"hooks":"{}"},"linux":{"hooks":[1]}}""")]
    [InlineData("{}")]
    public void A_config_without_top_level_hooks_is_not_parsed(string config)
    {
        Assert.False(Start.HasHooks(Encoding.UTF8.GetBytes(config)));
    }

    [Theory]
    [InlineData("""{"root":{"path":"rootfs"},"hooks":{"poststart":[{"path":"/bin/true"}]}}""")]
    [InlineData("""{"hooks":{}}""")]
    [InlineData("""{"hooks":null,"hooks":{"poststart":[]}}""")]
    [InlineData("""{"hooks":"not an object"}""")]
    public void A_config_with_hooks_is_parsed(string config)
    {
        Assert.True(Start.HasHooks(Encoding.UTF8.GetBytes(config)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("""{"root":{"path":"rootfs"}""")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"a":1} trailing""")]
    public void Malformed_json_goes_to_the_full_parse_for_its_error(string config)
    {
        Assert.True(Start.HasHooks(Encoding.UTF8.GetBytes(config)));
    }
}
