using static Hutch.Spec.Tests.Validation.ValidationAssert;

namespace Hutch.Spec.Tests.Validation;

public class ConfigValidatorTests
{
    public static TheoryData<string> RealConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Hutch.Testing.Host.RepoRoot, "tests", "data", "configs"), "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RealConfigs))]
    public void Real_client_configs_validate_without_errors_or_warnings(string file)
    {
        var config = ConfigJson.Load(Path.Combine(Hutch.Testing.Host.RepoRoot, "tests", "data", "configs", file));
        var report = ConfigValidator.Check(config);
        Assert.True(report.Errors.Count == 0, file + ":\n" + Describe(report.Errors));
        Assert.True(report.Warnings.Count == 0, file + ":\n" + Describe(report.Warnings));
    }

    [Fact]
    public void There_are_real_configs_to_check() => Assert.True(RealConfigs().Count >= 9);

    [Fact]
    public void Three_problems_give_three_errors_in_config_order()
    {
        var config = Default(c =>
        {
            c.OciVersion = "2.0.0";
            c.Process!.Cwd = "relative";
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "pid" });
        });
        var errors = ConfigValidator.Validate(config);
        Assert.Equal(["ociVersion", "process.cwd", "linux.namespaces[5].type"], errors.Select(e => e.Path));
    }

    [Fact]
    public void A_broken_json_config_reports_everything_at_once()
    {
        var config = Parse("""
        {
            "ociVersion": "0.9.0",
            "process": {"user": {"uid": 0, "gid": 0}, "cwd": "", "args": []},
            "mounts": [{"destination": ""}],
            "hooks": {"prestart": [{"path": "hook", "timeout": 0}]},
            "linux": {
                "namespaces": [{"type": "mount"}, {"type": "pid"}, {"type": "pid"}, {"type": "netns"}],
                "rootfsPropagation": "weird",
                "netDevices": {"eth0": {"name": "e%d%d"}}
            }
        }
        """);
        var errors = ConfigValidator.Validate(config);
        Assert.Equal(
            [
                "ociVersion",
                "root",
                "mounts[0].destination",
                "process.cwd",
                "process.args",
                "hooks.prestart[0].path",
                "hooks.prestart[0].timeout",
                "linux.namespaces[2].type",
                "linux.namespaces[3].type",
                "linux.rootfsPropagation",
                "linux.netDevices",
                "linux.netDevices[\"eth0\"].name",
            ],
            errors.Select(e => e.Path));
    }

    [Fact]
    public void EnsureValid_throws_with_every_error()
    {
        var config = Default(c => { c.OciVersion = "3.0.0"; c.Root = null; c.Process!.Args = []; });
        var ex = Assert.Throws<SpecValidationException>(() => ConfigValidator.EnsureValid(config));
        Assert.Equal(3, ex.Errors.Count);
        Assert.StartsWith("invalid config.json: 3 errors:\n  ociVersion: version \"3.0.0\" is not supported", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\n  root: is required on Linux", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("\n  process.args: needs at least one entry on Linux: the program to run, e.g. [\"sh\"]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_with_one_error_is_one_line()
    {
        var ex = Assert.Throws<SpecValidationException>(() => ConfigValidator.EnsureValid(Default(c => c.Process!.Cwd = "")));
        Assert.Equal("invalid config.json: process.cwd: is required; give the working directory inside the container as an absolute path, e.g. \"/\"", ex.Message);
    }

    [Fact]
    public void EnsureValid_returns_the_warnings_of_a_valid_config()
    {
        var report = ConfigValidator.EnsureValid(Default(c => c.Process!.Capabilities!.Bounding!.Add("CAP_NEW")));
        Assert.True(report.IsValid);
        Assert.Single(report.Warnings);
    }

    [Fact]
    public void ValidationError_prints_path_and_message() =>
        Assert.Equal("mounts[2].destination: is required", new ValidationError("mounts[2].destination", "is required").ToString());

    [Fact]
    public void Exception_needs_at_least_one_error() =>
        Assert.Throws<ArgumentException>(() => new SpecValidationException([]));

    [Theory]
    [InlineData("eth0", "\"eth0\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("a\tb\nc\rd", "\"a\\tb\\nc\\rd\"")]
    [InlineData("a\u0001b", "\"a\\u0001b\"")]
    public void Json_paths_quote_keys_like_json(string key, string quoted)
    {
        Assert.Equal(quoted, JsonPath.Quote(key));
        Assert.Equal($"linux.netDevices[{quoted}]", JsonPath.Key("linux.netDevices", key));
    }

    [Fact]
    public void Null_entries_in_lists_are_errors_not_crashes()
    {
        var config = Default(c =>
        {
            c.Mounts!.Add(null!);
            c.Linux!.Namespaces!.Add(null!);
            c.Process!.Rlimits!.Add(null!);
        });
        var errors = ConfigValidator.Validate(config);
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("is null", e.Message, StringComparison.Ordinal));
    }
}
