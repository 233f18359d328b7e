using System.Text.Json;
using System.Text.Json.Nodes;
using Hutch.Spec.Tests.Json;

namespace Hutch.Spec.Tests.Defaults;

public class DefaultConfigTests
{
    /// <summary>runc's captured output with ociVersion set to ours (the one intended difference).</summary>
    private static JsonNode RuncSpec(string file)
    {
        JsonNode node = JsonNode.Parse(File.ReadAllText(TestData.Config(file)))!;
        Assert.Equal("1.0.2-dev", (string?)node["ociVersion"]);
        node["ociVersion"] = DefaultConfig.OciVersion;
        return node;
    }

    private static string Tabbed(JsonNode node) => node.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        IndentCharacter = '\t',
        IndentSize = 1,
    });

    [Fact]
    public void Defaults_equal_runc_spec_except_ociVersion()
    {
        JsonNode ours = JsonNode.Parse(ConfigJson.Serialize(DefaultConfig.Create()))!;

        Assert.Null(JsonTreeDiff.FirstDifference(RuncSpec("runc-spec.json"), ours));
    }

    [Fact]
    public void Defaults_are_written_in_runc_spec_order_and_layout()
    {
        // runc writes tab-indented JSON without a final newline; property order is Go's struct order.
        Assert.Equal(Tabbed(RuncSpec("runc-spec.json")), ConfigJson.Serialize(DefaultConfig.Create()));
    }

    [Fact]
    public void Default_ociVersion_is_1_3_0()
    {
        Assert.Equal("1.3.0", DefaultConfig.OciVersion);
        Assert.Equal("1.3.0", DefaultConfig.Create().OciVersion);
    }

    [Fact]
    public void Rootless_defaults_equal_runc_spec_rootless_for_the_same_ids()
    {
        // The capture ran as root, so runc mapped container root to host id 0.
        JsonNode ours = JsonNode.Parse(ConfigJson.Serialize(DefaultConfig.Create(rootless: true, uid: 0, gid: 0)))!;

        Assert.Null(JsonTreeDiff.FirstDifference(RuncSpec("runc-spec-rootless.json"), ours));
        Assert.Equal(Tabbed(RuncSpec("runc-spec-rootless.json")), ConfigJson.Serialize(DefaultConfig.Create(true, 0, 0)));
    }

    [Fact]
    public void Rootless_maps_container_root_to_the_given_ids()
    {
        ContainerConfig config = DefaultConfig.Create(rootless: true, uid: 1000, gid: 1001);
        Linux linux = config.Linux!;

        LinuxIdMapping uid = Assert.Single(linux.UidMappings!);
        LinuxIdMapping gid = Assert.Single(linux.GidMappings!);
        Assert.Equal((0u, 1000u, 1u), (uid.ContainerID, uid.HostID, uid.Size));
        Assert.Equal((0u, 1001u, 1u), (gid.ContainerID, gid.HostID, gid.Size));
        Assert.Equal(["pid", "ipc", "uts", "mount", "user"], linux.Namespaces!.Select(ns => ns.Type));
        Assert.Null(linux.Resources);
        Mount sys = Assert.Single(config.Mounts!, m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.Contains("rbind", sys.Options!);
        Assert.DoesNotContain(config.Mounts!.SelectMany(m => m.Options ?? []), o => o.StartsWith("gid=", StringComparison.Ordinal));
    }

    [Fact]
    public void Rootless_without_ids_uses_this_process_effective_ids()
    {
        (uint uid, uint gid) = DefaultConfig.ReadEffectiveIds("/proc/self/status");

        ContainerConfig config = DefaultConfig.Create(rootless: true);

        Assert.Equal(uid, config.Linux!.UidMappings![0].HostID);
        Assert.Equal(gid, config.Linux.GidMappings![0].HostID);
    }

    [Fact]
    public void Effective_ids_are_the_second_field_of_proc_status()
    {
        string dir = Directory.CreateTempSubdirectory("hutch-spec-test-").FullName;
        try
        {
            string status = Path.Combine(dir, "status");
            File.WriteAllText(status, "Name:\thutch\nUid:\t1000\t2000\t1000\t2000\nGid:\t100\t200\t100\t200\nGroups:\t\n");

            Assert.Equal((2000u, 200u), DefaultConfig.ReadEffectiveIds(status));

            File.WriteAllText(status, "Name:\thutch\n");
            var ex = Assert.Throws<InvalidDataException>(() => DefaultConfig.ReadEffectiveIds(status));
            Assert.Contains(status, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Each_call_returns_a_fresh_config()
    {
        ContainerConfig first = DefaultConfig.Create();
        first.Process!.Args!.Add("-x");
        first.Process.Capabilities!.Bounding!.Add("CAP_SYS_ADMIN");

        ContainerConfig second = DefaultConfig.Create();

        Assert.Equal(["sh"], second.Process!.Args!);
        Assert.Equal(3, second.Process.Capabilities!.Bounding!.Count);
        Assert.Equal(3, second.Process.Capabilities.Effective!.Count);
    }

    [Fact]
    public void Defaults_parse_back_to_the_same_json()
    {
        string json = ConfigJson.Serialize(DefaultConfig.Create());

        Assert.Equal(json, ConfigJson.Serialize(ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json))));
    }
}
