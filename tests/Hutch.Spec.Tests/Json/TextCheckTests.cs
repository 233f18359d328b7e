using System.Text;

namespace Hutch.Spec.Tests.Json;

/// <summary>
/// The decoding pass over every string and member name: NUL characters and invalid UTF-8 are
/// named as such at their JSON path (before: accepted and cut by the kernel, or "expected a
/// string"), a member given twice is refused, and a long value is never echoed whole.
/// </summary>
public class TextCheckTests
{
    private const string Head = """{"ociVersion":"1.3.0","root":{"path":"rootfs"},""";

    private static ConfigFormatException Fails(byte[] json) =>
        Assert.Throws<ConfigFormatException>(() => ConfigJson.Parse(json));

    private static ConfigFormatException Fails(string json) => Fails(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"mounts":[{"destination":"/proc","type":"proc"},{"destination":"/mnt\u0000/../../../etc","type":"tmpfs"}]}""", "mounts[1].destination", 4)]
    [InlineData("""{"mounts":[{"destination":"/mnt","type":"bind","source":"/tmp\u0000x"}]}""", "mounts[0].source", 4)]
    [InlineData("""{"mounts":[{"destination":"/mnt","type":"tmpfs","options":["size=1m","a\u0000"]}]}""", "mounts[0].options[1]", 1)]
    [InlineData("""{"process":{"cwd":"/tmp\u0000x","user":{"uid":0,"gid":0}}}""", "process.cwd", 4)]
    [InlineData("""{"process":{"cwd":"/","args":["tr\u0000ue"],"user":{"uid":0,"gid":0}}}""", "process.args[0]", 2)]
    [InlineData("""{"hostname":"ab\u0000cd"}""", "hostname", 2)]
    [InlineData("""{"linux":{"sysctl":{"net.ipv4.ip_forward":"1\u0000"}}}""", "linux.sysctl[\"net.ipv4.ip_forward\"]", 1)]
    [InlineData("""{"linux":{"netDevices":{"eth0":{"name":"e\u0000"}}}}""", "linux.netDevices[\"eth0\"].name", 1)]
    [InlineData("""{"hooks":{"prestart":[{"path":"/bin/true\u0000x"}]}}""", "hooks.prestart[0].path", 9)]
    [InlineData("""{"linux":{"devices":[{"path":"/dev/\u0000","type":"c","major":1,"minor":3}]}}""", "linux.devices[0].path", 5)]
    public void A_NUL_inside_a_string_is_refused_at_its_path(string tail, string path, int offset)
    {
        var ex = Fails(Head + tail[1..]);

        Assert.Equal(path, ex.JsonPath);
        Assert.Contains($"{path}: the string holds a NUL character (\\u0000) at offset {offset}", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("(line 1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_a_map_key_is_refused_at_the_key()
    {
        var ex = Fails(Head + """{"linux":{"sysctl":{"net.ipv4.ip_forward\u0000x":"1"}}}"""[1..]);

        Assert.Equal("linux.sysctl[\"net.ipv4.ip_forward\\u0000x\"]", ex.JsonPath);
        Assert.Contains("the member name holds a NUL character", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_may_hold_a_NUL_they_never_reach_the_kernel()
    {
        var config = ConfigJson.Parse(Encoding.UTF8.GetBytes(Head + """{"annotations":{"a\u0000":"b\u0000c"}}"""[1..]));

        Assert.Equal("b\0c", config.Annotations!["a\0"]);
    }

    [Fact]
    public void Invalid_UTF8_is_named_as_such_not_as_a_wrong_type()
    {
        var json = Encoding.UTF8.GetBytes(Head + "\n\"hostname\":\"abXXcd\"}");
        var at = Array.IndexOf(json, (byte)'X');
        json[at] = 0xFF;
        json[at + 1] = 0xFE;

        var ex = Fails(json);

        Assert.Equal("hostname", ex.JsonPath);
        Assert.Equal("config.json: hostname: the string is not valid UTF-8 text (or escapes a lone UTF-16 surrogate); " +
                     "config.json must be UTF-8, and every name and string in it text (line 2)", ex.Message);
    }

    [Fact]
    public void Invalid_UTF8_in_a_member_name_is_named_at_its_object()
    {
        var json = Encoding.UTF8.GetBytes(Head + "\"linux\":{\"sysctl\":{\"netX\":\"1\"}}}");
        json[Array.IndexOf(json, (byte)'X')] = 0xC3;

        var ex = Fails(json);

        Assert.Equal("linux.sysctl", ex.JsonPath);
        Assert.Contains("the member name is not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_not_text()
    {
        var ex = Fails(Head + """{"process":{"cwd":"/","args":["a\ud800"],"user":{"uid":0,"gid":0}}}"""[1..]);

        Assert.Equal("process.args[0]", ex.JsonPath);
        Assert.Contains("not valid UTF-8 text", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"hostname":"a","hostname":"b"}""", "hostname")]
    [InlineData("""{"process":{"cwd":"/","args":["sh"],"Args":["true"],"user":{"uid":0,"gid":0}}}""", "process.Args")]
    [InlineData("""{"linux":{"sysctl":{"net.a":"1","net.a":"2"}}}""", "linux.sysctl[\"net.a\"]")]
    [InlineData("""{"mounts":[{"destination":"/a"},{"destination":"/b","type":"tmpfs","type":"proc"}]}""", "mounts[1].type")]
    public void A_member_given_twice_is_refused(string tail, string path)
    {
        var ex = Fails(Head + tail[1..]);

        Assert.Equal(path, ex.JsonPath);
        Assert.Contains("appears twice in the same object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_keys_that_differ_only_in_case_are_distinct()
    {
        var config = ConfigJson.Parse(Encoding.UTF8.GetBytes(Head + """{"linux":{"sysctl":{"net.A":"1","net.a":"2"}}}"""[1..]));

        Assert.Equal(2, config.Linux!.Sysctl!.Count);
    }

    [Fact]
    public void A_10_MB_member_name_is_not_echoed_whole()
    {
        var name = new string('a', 10_000_000);
        var ex = Fails(Head + "\"linux\":{\"sysctl\":{\"" + name + "\\u0000\":\"1\"}}}");

        Assert.True(ex.Message.Length < 1000, $"the message is {ex.Message.Length} characters long");
        Assert.Contains("… (cut; 10000001 characters in all)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_file_is_checked_the_same_way()
    {
        var ex = Assert.Throws<ConfigFormatException>(() => JsonDecoding.Decode(
            Encoding.UTF8.GetBytes("""{"cwd":"/","args":["sh","-c","x\u0000"],"user":{"uid":0,"gid":0}}"""),
            SpecJsonContext.Default.Process, "process.json"));

        Assert.Equal("args[2]", ex.JsonPath);
        Assert.StartsWith("process.json: args[2]: the string holds a NUL character", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_configs_pass()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Hutch.Testing.Host.RepoRoot, "tests", "data", "configs"), "*.json"))
        {
            _ = ConfigJson.Load(file);
        }
    }
}
