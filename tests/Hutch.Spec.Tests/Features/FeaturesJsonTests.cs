using System.Text;
using System.Text.Json.Nodes;
using Hutch.Spec.Tests.Json;

namespace Hutch.Spec.Tests.Features;

public class FeaturesJsonTests
{
    private static Spec.Features Full() => new()
    {
        OciVersionMin = "1.0.0",
        OciVersionMax = "1.3.0",
        Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
        MountOptions = ["ro", "rw", "rbind", "idmap"],
        Linux = new LinuxFeatures
        {
            Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
            Capabilities = ["CAP_CHOWN", "CAP_NET_ADMIN"],
            Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = true },
            Seccomp = new SeccompFeatures
            {
                Enabled = true,
                Actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"],
                Operators = ["SCMP_CMP_EQ"],
                Archs = ["SCMP_ARCH_X86_64"],
                KnownFlags = ["SECCOMP_FILTER_FLAG_LOG"],
                SupportedFlags = ["SECCOMP_FILTER_FLAG_LOG"],
            },
            Apparmor = new ApparmorFeatures { Enabled = false },
            Selinux = new SelinuxFeatures { Enabled = false },
            IntelRdt = new IntelRdtFeatures { Enabled = false, Schemata = true, Monitoring = false },
            MemoryPolicy = new MemoryPolicyFeatures { Modes = ["MPOL_DEFAULT", "MPOL_BIND"], Flags = ["MPOL_F_STATIC_NODES"] },
            MountExtensions = new MountExtensionsFeatures { IdMap = new IdMapFeatures { Enabled = true } },
            NetDevices = new NetDevicesFeatures { Enabled = true },
        },
        Annotations = new() { ["org.opencontainers.runtime.name"] = "hutch" },
        PotentiallyUnsafeConfigAnnotations = ["bundle", "org.systemd.property."],
    };

    [Fact]
    public void Features_round_trip()
    {
        string json = FeaturesJson.Serialize(Full());
        Spec.Features back = FeaturesJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(json, FeaturesJson.Serialize(back));
        Assert.Empty(ModelWalker.UnsetProperties(back));
    }

    [Fact]
    public void Features_use_the_spec_json_names()
    {
        JsonNode node = JsonNode.Parse(FeaturesJson.Serialize(Full()))!;

        Assert.Equal("1.0.0", (string?)node["ociVersionMin"]);
        Assert.Equal("1.3.0", (string?)node["ociVersionMax"]);
        Assert.True((bool?)node["linux"]!["cgroup"]!["v1"]);
        Assert.True((bool?)node["linux"]!["cgroup"]!["rdma"]);
        Assert.True((bool?)node["linux"]!["mountExtensions"]!["idmap"]!["enabled"]);
        Assert.True((bool?)node["linux"]!["netDevices"]!["enabled"]);
        Assert.True((bool?)node["linux"]!["intelRdt"]!["schemata"]);
        Assert.Equal("MPOL_BIND", (string?)node["linux"]!["memoryPolicy"]!["modes"]![1]);
        Assert.Equal("bundle", (string?)node["potentiallyUnsafeConfigAnnotations"]![0]);
        Assert.Equal("SECCOMP_FILTER_FLAG_LOG", (string?)node["linux"]!["seccomp"]!["supportedFlags"]![0]);
    }

    [Fact]
    public void Unknown_is_omitted_not_written_as_null()
    {
        string json = FeaturesJson.Serialize(new Spec.Features
        {
            OciVersionMin = "1.0.0",
            OciVersionMax = "1.3.0",
            Linux = new LinuxFeatures { Cgroup = new CgroupFeatures { V2 = true } },
        });

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"v1\"", json, StringComparison.Ordinal);
        Assert.StartsWith("{\n\t\"ociVersionMin\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parses_a_document_shaped_like_runc_features()
    {
        const string json = """
            {
                "ociVersionMin": "1.0.0",
                "ociVersionMax": "1.2.0",
                "hooks": ["prestart", "createRuntime"],
                "mountOptions": ["async", "bind"],
                "linux": {
                    "namespaces": ["cgroup", "ipc"],
                    "capabilities": ["CAP_CHOWN"],
                    "cgroup": { "v1": true, "v2": true, "systemd": true, "systemdUser": true, "rdma": true },
                    "seccomp": { "enabled": true, "actions": ["SCMP_ACT_ALLOW"], "operators": ["SCMP_CMP_EQ"], "archs": ["SCMP_ARCH_X86_64"], "knownFlags": ["SECCOMP_FILTER_FLAG_LOG"], "supportedFlags": [] },
                    "apparmor": { "enabled": true },
                    "selinux": { "enabled": true },
                    "intelRdt": { "enabled": true },
                    "mountExtensions": { "idmap": { "enabled": true } }
                },
                "annotations": { "io.github.seccomp.libseccomp.version": "2.5.4", "org.opencontainers.runc.version": "1.2.0" },
                "potentiallyUnsafeConfigAnnotations": ["bundle"],
                "futureField": 1
            }
            """;

        Spec.Features f = FeaturesJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("1.2.0", f.OciVersionMax);
        Assert.Equal(true, f.Linux!.MountExtensions!.IdMap!.Enabled);
        Assert.Empty(f.Linux.Seccomp!.SupportedFlags!);
        Assert.Null(f.Linux.NetDevices);
        Assert.Equal("1.2.0", f.Annotations!["org.opencontainers.runc.version"]);
        Assert.Null(JsonTreeDiff.FirstDifference(
            JsonNode.Parse(json)!.AsObject().Also(o => o.Remove("futureField")),
            JsonNode.Parse(FeaturesJson.Serialize(f))));
    }

    [Fact]
    public void Wrong_types_name_the_features_path()
    {
        var ex = Assert.Throws<ConfigFormatException>(() => FeaturesJson.Parse("""{"ociVersionMin":"1.0.0","linux":{"cgroup":{"v2":"yes"}}}"""u8));

        Assert.Equal("linux.cgroup.v2", ex.JsonPath);
        Assert.StartsWith("features.json: linux.cgroup.v2: expected true or false", ex.Message, StringComparison.Ordinal);
    }
}

internal static class NodeExtensions
{
    public static JsonObject Also(this JsonObject node, Action<JsonObject> change)
    {
        change(node);
        return node;
    }
}
