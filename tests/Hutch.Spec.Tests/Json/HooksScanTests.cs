using System.Text;

namespace Hutch.Spec.Tests.Json;

/// <summary>start and delete parse config.json (for their hooks) only when the scan finds hooks; every doubt means "parse".</summary>
public sealed class HooksScanTests
{
    [Theory]
    [InlineData("""{"ociVersion":"1.3.0","process":{"args":["sh"],"env":["hooks=1"]},"root":{"path":"rootfs"}}""")]
    [InlineData("""{"hooks":null,"root":{"path":"rootfs"}}""")]
    [InlineData("""{"annotations":{"hooks":"{}"},"linux":{"hooks":[1]}}""")]
    [InlineData("{}")]
    public void A_config_without_top_level_hooks_is_not_parsed(string config)
    {
        Assert.False(HooksScan.MayHaveHooks(Encoding.UTF8.GetBytes(config)));
    }

    [Theory]
    [InlineData("""{"root":{"path":"rootfs"},"hooks":{"poststart":[{"path":"/bin/true"}]}}""")]
    [InlineData("""{"hooks":{}}""")]
    [InlineData("""{"hooks":null,"hooks":{"poststart":[]}}""")]
    [InlineData("""{"hooks":"not an object"}""")]
    [InlineData("""{"Hooks":{"poststop":[{"path":"/bin/true"}]}}""")] // the full parse reads names case-insensitively
    public void A_config_with_hooks_is_parsed(string config)
    {
        Assert.True(HooksScan.MayHaveHooks(Encoding.UTF8.GetBytes(config)));
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
        Assert.True(HooksScan.MayHaveHooks(Encoding.UTF8.GetBytes(config)));
    }
}
