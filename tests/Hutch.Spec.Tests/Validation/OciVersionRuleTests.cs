using static Hutch.Spec.Tests.Validation.ValidationAssert;

namespace Hutch.Spec.Tests.Validation;

public class OciVersionRuleTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.1")]
    [InlineData("1.0.2")]
    [InlineData("1.0.2-dev")]        // runc spec 1.1
    [InlineData("1.1.0")]
    [InlineData("1.1.0-rc.1")]
    [InlineData("1.2.0")]
    [InlineData("1.2.1")]
    [InlineData("1.3.0")]
    [InlineData("1.3.0+dev")]        // the spec's own development builds
    [InlineData("1.3.0-rc.1+build.5")]
    [InlineData("1.3.17")]
    [InlineData("1.0.0-rc5-dev")]    // pre-1.0 Docker-era configs
    public void Supported_versions_pass(string version) => NoErrors(Default(c => c.OciVersion = version));

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.5.0-dev")]
    [InlineData("1.4.0")]
    [InlineData("1.4.0-rc.1")]
    [InlineData("1.10.0")]
    [InlineData("2.0.0")]
    [InlineData("99999999999.0.0")]
    public void Versions_out_of_range_name_the_supported_range(string version)
    {
        var error = SingleError(Default(c => c.OciVersion = version), "ociVersion", "is not supported");
        Assert.Contains("1.0.0 to 1.3.x", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{version}\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.00.0")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0+")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0.0\n")]
    [InlineData("latest")]
    [InlineData("1.0.0-dev_x")]
    public void Garbage_is_not_semver(string version)
    {
        var error = SingleError(Default(c => c.OciVersion = version), "ociVersion", "is not a SemVer 2.0.0 version");
        Assert.Contains("1.0.0 to 1.3.x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_version_is_required() =>
        SingleError(Default(c => c.OciVersion = ""), "ociVersion", "is required");

    [Fact]
    public void Missing_version_in_json_is_required()
    {
        var config = Parse("""{"root": {"path": "rootfs"}}""");
        SingleError(config, "ociVersion", "is required");
    }
}
