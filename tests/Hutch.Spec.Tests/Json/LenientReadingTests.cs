using System.Text;

namespace Hutch.Spec.Tests.Json;

public class LenientReadingTests
{
    [Fact]
    public void Unknown_properties_are_ignored_at_every_level()
    {
        const string json = """
            {
              "ociVersion": "1.3.0",
              "vendorThing": { "deep": [1, 2, { "x": null }] },
              "process": { "cwd": "/", "user": { "uid": 0, "gid": 0, "username": "root" }, "newField": true },
              "linux": {
                "namespaces": [ { "type": "pid", "extra": 1 } ],
                "somethingFromTheFuture": "yes",
                "windows": null
              },
              "windows": { "layerFolders": [] }
            }
            """;

        ContainerConfig config = ConfigJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("1.3.0", config.OciVersion);
        Assert.Equal("pid", Assert.Single(config.Linux!.Namespaces!).Type);
        Assert.Equal("/", config.Process!.Cwd);
    }

    [Fact]
    public void Property_names_match_case_insensitively_like_go()
    {
        const string json = """
            {"OCIVersion": "1.3.0", "Process": {"Cwd": "/", "User": {"UID": 7, "gid": 8}}, "LINUX": {"uidmappings": [{"containerid": 0, "HostId": 1000, "SIZE": 1}]}}
            """;

        ContainerConfig config = ConfigJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("1.3.0", config.OciVersion);
        Assert.Equal(7u, config.Process!.User.Uid);
        Assert.Equal(1000u, config.Linux!.UidMappings![0].HostID);
    }

    [Fact]
    public void Explicit_nulls_of_optional_fields_read_as_absent()
    {
        ContainerConfig config = ConfigJson.Parse("""{"ociVersion":"1.3.0","hostname":null,"linux":{"seccomp":null,"resources":{"pids":{"limit":null}}}}"""u8);

        Assert.Null(config.Hostname);
        Assert.Null(config.Linux!.Seccomp);
        Assert.Null(config.Linux.Resources!.Pids!.Limit);
    }

    [Fact]
    public void A_byte_order_mark_is_tolerated()
    {
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. """{"ociVersion":"1.3.0"}"""u8.ToArray()];

        Assert.Equal("1.3.0", ConfigJson.Parse(withBom).OciVersion);
    }

    [Fact]
    public void Missing_required_fields_keep_empty_defaults_for_validation_to_report()
    {
        ContainerConfig config = ConfigJson.Parse("""{"process":{"user":{}},"root":{}}"""u8);

        Assert.Equal("", config.OciVersion);
        Assert.Equal("", config.Process!.Cwd);
        Assert.Equal("", config.Root!.Path);
    }

    [Fact]
    public void Pids_limit_may_be_absent_since_1_3_0()
    {
        ContainerConfig config = ConfigJson.Parse("""{"ociVersion":"1.3.0","linux":{"resources":{"pids":{}}}}"""u8);

        Assert.Null(config.Linux!.Resources!.Pids!.Limit);
        Assert.DoesNotContain("limit", ConfigJson.Serialize(config), StringComparison.Ordinal);
    }
}
