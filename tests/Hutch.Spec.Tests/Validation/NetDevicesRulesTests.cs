using static Hutch.Spec.Tests.Validation.ValidationAssert;

namespace Hutch.Spec.Tests.Validation;

/// <summary>linux.netDevices, from JSON as clients write it: names in bytes, templates, duplicates, the namespace.</summary>
public class NetDevicesRulesTests
{
    /// <summary>A minimal valid config with a new network namespace and the given netDevices object.</summary>
    private static ContainerConfig WithNetDevices(string netDevicesJson, string namespacesJson = """[{"type": "network"}]""") =>
        Parse($$"""
        {
            "ociVersion": "1.3.0",
            "root": {"path": "rootfs"},
            "linux": {
                "namespaces": {{namespacesJson}},
                "netDevices": {{netDevicesJson}}
            }
        }
        """);

    [Theory]
    [InlineData("""{"eth0": {}}""")]
    [InlineData("""{"eth0": {"name": "ctr0"}}""")]
    [InlineData("""{"enp3s0f1": {"name": "eth0"}, "veth1": {"name": "eth1"}}""")]
    [InlineData("""{"abcdefghijklmno": {"name": "abcdefghijklmno"}}""")]      // 15 bytes each
    [InlineData("""{"abcdefghijklm\u00e1": {}}""")]                               // 14 chars, 15 bytes
    [InlineData("""{"a": {"name": "eth%d"}, "b": {"name": "eth%d"}}""")]       // two templates never collide
    [InlineData("""{"a": {"name": "eth%d"}, "b": {"name": "eth0"}}""")]        // the kernel skips taken numbers
    [InlineData("""{"eth0": {"name": "eth1"}, "eth1": {"name": "eth0"}}""")]   // a swap: distinct names inside
    [InlineData("""{"eth0": {"name": "eth0"}}""")]
    [InlineData("""{}""")]
    public void Valid_entries_pass(string netDevices) => NoErrors(WithNetDevices(netDevices));

    [Fact]
    public void A_joined_network_namespace_is_enough() =>
        NoErrors(WithNetDevices("""{"eth0": {}}""", """[{"type": "network", "path": "/var/run/netns/blue"}]"""));

    [Fact]
    public void Empty_netDevices_needs_no_network_namespace() =>
        NoErrors(WithNetDevices("{}", "[]"));

    [Fact]
    public void Devices_without_a_network_namespace_are_refused()
    {
        var error = SingleError(WithNetDevices("""{"eth0": {}}""", """[{"type": "pid"}]"""), "linux.netDevices", "has no \"network\" entry");
        Assert.Contains("{\"type\": \"network\"}", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"path\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_16_byte_name_is_refused_at_its_name()
    {
        var error = SingleError(WithNetDevices("""{"hostA": {"name": "abcdefghijklmnop"}}"""), "linux.netDevices[\"hostA\"].name", "is 16 bytes long");
        Assert.Contains("at most 15 (IFNAMSIZ-1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_14_character_name_with_a_2_byte_character_is_15_bytes_and_passes() =>
        NoErrors(WithNetDevices("""{"hostA": {"name": "abcdefghijklm\u00e9"}}"""));

    [Fact]
    public void A_15_character_name_with_a_2_byte_character_is_16_bytes_and_refused() =>
        SingleError(WithNetDevices("""{"hostA": {"name": "abcdefghijklmn\u00e9"}}"""), "linux.netDevices[\"hostA\"].name", "is 16 bytes long (15 characters)");

    [Fact]
    public void A_16_byte_key_is_refused_at_the_entry()
    {
        var error = SingleError(WithNetDevices("""{"abcdefghijklmnop": {"name": "eth0"}}"""), "linux.netDevices[\"abcdefghijklmnop\"]", "is 16 bytes long");
        Assert.Contains("host device name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_key_without_name_is_reported_once() =>
        SingleError(WithNetDevices("""{"abcdefghijklmnop": {}}"""), "linux.netDevices[\"abcdefghijklmnop\"]", "is 16 bytes long");

    [Theory]
    [InlineData("eth 0", "whitespace (U+0020)")]
    [InlineData("eth\t0", "whitespace (U+0009)")]
    [InlineData("eth\n0", "whitespace (U+000A)")]
    [InlineData("eth\r0", "whitespace (U+000D)")]
    [InlineData("eth\u000b0", "whitespace (U+000B)")]
    [InlineData("eth\u000c0", "whitespace (U+000C)")]
    [InlineData("eth\u00a00", "whitespace (U+00A0)")]
    [InlineData("eth/0", "'/'")]
    [InlineData("eth:0", "':'")]
    [InlineData(".", "refuses")]
    [InlineData("..", "refuses")]
    [InlineData("", "is empty")]
    [InlineData("\u00e0", "byte 0xA0")]
    public void Bad_container_names_are_refused_at_their_name(string name, string why)
    {
        var json = "{\"hostA\": {\"name\": " + JsonPath.Quote(name) + "}}";
        SingleError(WithNetDevices(json), "linux.netDevices[\"hostA\"].name", why);
    }

    [Fact]
    public void A_name_with_a_NUL_is_refused_at_its_name_when_decoded()
    {
        var ex = Assert.Throws<ConfigFormatException>(() => WithNetDevices("{\"hostA\": {\"name\": \"eth\\u00000\"}}"));

        Assert.Equal("linux.netDevices[\"hostA\"].name", ex.JsonPath);
        Assert.Contains("NUL character", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth 0", "whitespace (U+0020)", "linux.netDevices[\"eth 0\"]")]
    [InlineData("eth\t0", "whitespace (U+0009)", "linux.netDevices[\"eth\\t0\"]")]
    [InlineData("eth\n0", "whitespace (U+000A)", "linux.netDevices[\"eth\\n0\"]")]
    [InlineData("eth/0", "'/'", "linux.netDevices[\"eth/0\"]")]
    [InlineData("eth%d", "contains '%'", "linux.netDevices[\"eth%d\"]")]
    [InlineData("100%", "contains '%'", "linux.netDevices[\"100%\"]")]
    [InlineData("", "is empty", "linux.netDevices[\"\"]")]
    public void Bad_keys_are_refused_at_the_entry_even_when_name_is_fine(string key, string why, string path)
    {
        var json = "{" + JsonPath.Quote(key) + ": {\"name\": \"eth0\"}}";
        SingleError(WithNetDevices(json), path, why);
    }

    [Theory]
    [InlineData("eth%d")]
    [InlineData("%d")]
    [InlineData("x%dy")]
    public void Templates_are_accepted_in_names(string name) =>
        NoErrors(WithNetDevices("{\"hostA\": {\"name\": \"" + name + "\"}}"));

    [Theory]
    [InlineData("e%d%d", "more than one '%'")]
    [InlineData("eth%", "not followed by 'd'")]
    [InlineData("%s", "not followed by 'd'")]
    [InlineData("100%", "not followed by 'd'")]
    public void Other_percent_uses_are_refused_in_names(string name, string why) =>
        SingleError(WithNetDevices("{\"hostA\": {\"name\": \"" + name + "\"}}"), "linux.netDevices[\"hostA\"].name", why);

    [Fact]
    public void Two_entries_with_the_same_name_inside_are_refused_at_the_second()
    {
        var error = SingleError(
            WithNetDevices("""{"hostA": {"name": "eth0"}, "hostB": {"name": "eth0"}}"""),
            "linux.netDevices[\"hostB\"].name", "would be named \"eth0\" inside the container");
        Assert.Contains("like linux.netDevices[\"hostA\"]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_equal_to_another_entrys_default_is_a_duplicate()
    {
        // "eth0" keeps its name; "veth9" is renamed to "eth0" too.
        var error = SingleError(
            WithNetDevices("""{"eth0": {}, "veth9": {"name": "eth0"}}"""),
            "linux.netDevices[\"veth9\"].name", "would be named \"eth0\"");
        Assert.Contains("like linux.netDevices[\"eth0\"]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_name_equal_to_an_earlier_rename_is_reported_at_the_entry() =>
        SingleError(
            WithNetDevices("""{"veth9": {"name": "eth0"}, "eth0": {}}"""),
            "linux.netDevices[\"eth0\"]", "would be named \"eth0\"");

    [Fact]
    public void Three_entries_with_one_name_give_two_errors()
    {
        var errors = ConfigValidator.Validate(WithNetDevices("""{"a": {"name": "x"}, "b": {"name": "x"}, "c": {"name": "x"}}"""));
        Assert.Equal(["linux.netDevices[\"b\"].name", "linux.netDevices[\"c\"].name"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Names_are_compared_exactly() =>
        NoErrors(WithNetDevices("""{"a": {"name": "eth0"}, "b": {"name": "ETH0"}}"""));

    [Fact]
    public void Every_problem_of_every_entry_is_reported()
    {
        var config = WithNetDevices(
            """{"ok": {"name": "eth0"}, "bad key with spaces": {"name": "abcdefghijklmnopq"}, "dup": {"name": "eth0"}}""",
            "[]");
        var errors = ConfigValidator.Validate(config);
        Assert.Equal(
            [
                "linux.netDevices",
                "linux.netDevices[\"bad key with spaces\"]",
                "linux.netDevices[\"bad key with spaces\"].name",
                "linux.netDevices[\"dup\"].name",
            ],
            errors.Select(e => e.Path));
    }
}
