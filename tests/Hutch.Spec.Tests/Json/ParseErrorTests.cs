using System.Text;

namespace Hutch.Spec.Tests.Json;

public class ParseErrorTests
{
    private static ConfigFormatException ParseFails(string json, string source = "config.json")
        => Assert.Throws<ConfigFormatException>(() => ConfigJson.Parse(Encoding.UTF8.GetBytes(json), source));

    [Fact]
    public void Namespace_type_of_the_wrong_type_names_the_path_and_line()
    {
        var ex = ParseFails("""
            {
              "ociVersion": "1.3.0",
              "linux": {
                "namespaces": [ { "type": 5 } ]
              }
            }
            """);

        Assert.Equal("linux.namespaces[0].type", ex.JsonPath);
        Assert.Equal("config.json: linux.namespaces[0].type: expected a string (line 4)", ex.Message);
        Assert.Equal("config.json", ex.Source);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Negative_uid_is_out_of_range()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":-1,"gid":0}}}""");

        Assert.Equal("process.user.uid", ex.JsonPath);
        Assert.StartsWith("config.json: process.user.uid: expected an integer from 0 to 4294967295", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void String_where_a_boolean_belongs()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","process":{"terminal":"yes","cwd":"/","user":{"uid":0,"gid":0}}}""");

        Assert.Equal("process.terminal", ex.JsonPath);
        Assert.Contains("expected true or false", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_where_an_array_belongs()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","mounts":{"destination":"/proc"}}""");

        Assert.Equal("mounts", ex.JsonPath);
        Assert.Contains("mounts: expected an array", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void String_where_an_object_belongs()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","process":"sh"}""");

        Assert.Equal("process", ex.JsonPath);
        Assert.Contains("process: expected an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Array_element_of_the_wrong_type_names_its_index()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0,"additionalGids":[1,"x"]}}}""");

        Assert.Equal("process.user.additionalGids[1]", ex.JsonPath);
    }

    [Fact]
    public void Net_device_name_of_the_wrong_type_names_the_map_key()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","linux":{"netDevices":{"eth0":{"name":1}}}}""");

        Assert.Equal("linux.netDevices[\"eth0\"].name", ex.JsonPath);
        Assert.Contains("expected a string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotation_value_of_the_wrong_type_names_the_key()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","annotations":{"com.example.n":1}}""");

        Assert.Equal("annotations[\"com.example.n\"]", ex.JsonPath);
    }

    [Fact]
    public void Pids_limit_as_a_string_is_an_error()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","linux":{"resources":{"pids":{"limit":"max"}}}}""");

        Assert.Equal("linux.resources.pids.limit", ex.JsonPath);
        Assert.Contains("expected an integer from -9223372036854775808", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fraction_where_an_integer_belongs()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","hooks":{"poststop":[{"path":"/bin/true","timeout":1.5}]}}""");

        Assert.Equal("hooks.poststop[0].timeout", ex.JsonPath);
    }

    [Fact]
    public void Null_for_a_required_string_is_an_error()
    {
        var ex = ParseFails("""{"ociVersion":"1.3.0","linux":{"namespaces":[{"type":null}]}}""");

        Assert.Equal("linux.namespaces[0].type", ex.JsonPath);
        Assert.Contains("must not be null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_list_elements_and_map_values_are_errors()
    {
        (string Json, string Path)[] cases =
        [
            ("""{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh",null]}}""", "process.args[1]"),
            ("""{"ociVersion":"1.3.0","mounts":[{"destination":"/proc"},null]}""", "mounts[1]"),
            ("""{"ociVersion":"1.3.0","mounts":[{"destination":"/a","options":["ro",null]}]}""", "mounts[0].options[1]"),
            ("""{"ociVersion":"1.3.0","annotations":{"k":null}}""", "annotations[\"k\"]"),
            ("""{"ociVersion":"1.3.0","hooks":{"poststop":[{"path":"/x","env":[null]}]}}""", "hooks.poststop[0].env[0]"),
            ("""{"ociVersion":"1.3.0","linux":{"netDevices":{"eth0":null}}}""", "linux.netDevices[\"eth0\"]"),
            ("""{"ociVersion":"1.3.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[null],"action":"SCMP_ACT_ERRNO"}]}}}""", "linux.seccomp.syscalls[0].names[0]"),
            ("""{"ociVersion":"1.3.0","linux":{"resources":{"unified":{"pids.max":null}}}}""", "linux.resources.unified[\"pids.max\"]"),
        ];

        foreach ((string json, string path) in cases)
        {
            var ex = ParseFails(json);
            Assert.Equal(path, ex.JsonPath);
            Assert.Equal($"config.json: {path}: must not be null", ex.Message);
        }
    }

    [Fact]
    public void Top_level_array_is_an_error()
    {
        var ex = ParseFails("[]");

        Assert.Null(ex.JsonPath);
        Assert.StartsWith("config.json: expected an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_level_null_is_an_error()
    {
        var ex = ParseFails("null");

        Assert.Contains("expected a JSON object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_names_the_source_and_position()
    {
        var ex = ParseFails("{\n  \"ociVersion\": \"1.3.0\",\n  \"process\": {,}\n}", "/bundles/b1/config.json");

        Assert.StartsWith("/bundles/b1/config.json: invalid JSON at line 3, column 15: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("/bundles/b1/config.json", ex.Source);
        Assert.Equal(3, ex.Line);
        Assert.Null(ex.JsonPath);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_json_is_invalid()
    {
        var ex = ParseFails("{\"ociVersion\": \"1.3.0\", \"linux\": {");

        Assert.Contains("config.json: invalid JSON at line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_garbage_and_comments_are_invalid()
    {
        ParseFails("{\"ociVersion\": \"1.3.0\"} x");
        ParseFails("{\"ociVersion\": \"1.3.0\" /* c */}");
        ParseFails("{\"ociVersion\": \"1.3.0\",}");
    }

    [Fact]
    public void Empty_input_is_invalid()
    {
        var ex = ParseFails("");

        Assert.Contains("invalid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "hutch-no-such-bundle-" + Guid.NewGuid().ToString("N"), "config.json");

        var ex = Assert.Throws<ConfigFormatException>(() => ConfigJson.Load(path));

        Assert.StartsWith(path + ": no such file", ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.Source);
    }

    [Fact]
    public void Load_reports_errors_with_the_file_path()
    {
        string dir = Directory.CreateTempSubdirectory("hutch-spec-test-").FullName;
        try
        {
            string path = Path.Combine(dir, "config.json");
            File.WriteAllText(path, """{"ociVersion": 1}""");

            var ex = Assert.Throws<ConfigFormatException>(() => ConfigJson.Load(path));

            Assert.Equal($"{path}: ociVersion: expected a string (line 1)", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
