using System.Text;
using System.Text.Json.Nodes;

namespace Hutch.Spec.Tests.Json;

public class RoundTripTests
{
    [Fact]
    public void Every_real_config_round_trips_without_losing_a_property()
    {
        string[] files = Directory.GetFiles(TestData.ConfigsDir, "*.json");
        Assert.True(files.Length >= 9, $"expected the captured configs in {TestData.ConfigsDir}, found {files.Length}");

        var failures = new List<string>();
        foreach (string file in files)
        {
            byte[] original = File.ReadAllBytes(file);
            ContainerConfig config = ConfigJson.Parse(original, Path.GetFileName(file));
            string ours = ConfigJson.Serialize(config);

            string? diff = JsonTreeDiff.FirstDifference(JsonNode.Parse(original), JsonNode.Parse(ours));
            if (diff is not null)
            {
                failures.Add($"{Path.GetFileName(file)}: {diff}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Real_configs_parse_into_the_expected_values()
    {
        ContainerConfig podman = ConfigJson.Load(TestData.Config("podman-run.json"));
        Assert.NotNull(podman.Linux?.Seccomp?.Syscalls);
        Assert.NotEmpty(podman.Linux.Seccomp.Syscalls);
        Assert.Contains(podman.Linux.Namespaces!, ns => ns.Type == "network");

        ContainerConfig docker = ConfigJson.Load(TestData.Config("docker-run.json"));
        Hook hook = Assert.Single(docker.Hooks!.Prestart!);
        Assert.StartsWith("/", hook.Path, StringComparison.Ordinal);

        ContainerConfig rootless = ConfigJson.Load(TestData.Config("runc-spec-rootless.json"));
        LinuxIdMapping map = Assert.Single(rootless.Linux!.UidMappings!);
        Assert.Equal(1u, map.Size);
    }

    [Fact]
    public void A_config_with_every_field_set_round_trips()
    {
        string ours = ConfigJson.Serialize(ConfigJson.Parse(Encoding.UTF8.GetBytes(FullConfig.Json)));

        Assert.Null(JsonTreeDiff.FirstDifference(JsonNode.Parse(FullConfig.Json), JsonNode.Parse(ours)));
    }

    [Fact]
    public void The_full_config_sets_every_property_of_the_model()
    {
        ContainerConfig config = ConfigJson.Parse(Encoding.UTF8.GetBytes(FullConfig.Json));

        List<string> unset = ModelWalker.UnsetProperties(config);

        Assert.True(unset.Count == 0, "properties the full config leaves unset: " + string.Join(", ", unset));
    }

    [Fact]
    public void The_full_config_decodes_to_the_right_values()
    {
        ContainerConfig c = ConfigJson.Parse(Encoding.UTF8.GetBytes(FullConfig.Json));

        Assert.Equal("1.3.0", c.OciVersion);
        Assert.Equal(true, c.Root!.Readonly);
        Assert.Equal(1000u, c.Mounts![0].UidMappings![0].HostID);
        Assert.Equal(18u, c.Process!.User.Umask);
        Assert.Equal([5u, 6u], c.Process.User.AdditionalGids!);
        Assert.Equal(-1000, c.Process.OomScoreAdj);
        Assert.Equal("IOPRIO_CLASS_BE", c.Process.IOPriority!.Class);
        Assert.Equal("0-3,7", c.Process.ExecCPUAffinity!.Initial);
        Assert.Equal("2", c.Process.ExecCPUAffinity.Final);
        Assert.Equal(ulong.MaxValue, c.Process.Rlimits![0].Hard);
        Assert.Equal(30, c.Hooks!.Poststop![0].Timeout);
        Assert.Equal(-1L, c.Linux!.Resources!.Pids!.Limit);
        Assert.Equal(true, c.Linux.Resources.Memory!.CheckBeforeUpdate);
        Assert.Equal(10000UL, c.Linux.Resources.Cpu!.Burst);
        Assert.Equal(1L, c.Linux.Resources.Cpu.Idle);
        Assert.Equal(1048577u, c.Linux.Resources.Network!.ClassID);
        Assert.Equal((ushort)300, c.Linux.Resources.BlockIO!.WeightDevice![0].LeafWeight);
        Assert.Equal(100u, c.Linux.Resources.Rdma!["mlx5_1"].HcaHandles);
        Assert.Equal("max", c.Linux.Resources.Unified!["pids.max"]);
        Assert.Equal(-7200L, c.Linux.TimeOffsets!["monotonic"].Secs);
        Assert.Equal("ctr%d", c.Linux.NetDevices!["veth-host"].Name);
        Assert.Equal("eth0", c.Linux.NetDevices["ifb0"].Name);
        Assert.Equal("MPOL_INTERLEAVE", c.Linux.MemoryPolicy!.Mode);
        Assert.Equal(["MPOL_F_STATIC_NODES"], c.Linux.MemoryPolicy.Flags!);
        Assert.Equal("COS1", c.Linux.IntelRdt!.ClosID);
        Assert.Equal(true, c.Linux.IntelRdt.EnableMonitoring);
        Assert.Equal("LINUX32", c.Linux.Personality!.Domain);
        Assert.Equal(1u, c.Linux.Seccomp!.DefaultErrnoRet);
        Assert.Equal(18446744073709551615UL, c.Linux.Seccomp.Syscalls![1].Args![0].Value);
        Assert.Equal(2UL, c.Linux.Seccomp.Syscalls[1].Args![0].ValueTwo);
        Assert.Equal(438u, c.Linux.Devices![0].FileMode);
    }

    [Fact]
    public void Serialize_indents_with_tabs_and_omits_nulls()
    {
        var config = new ContainerConfig
        {
            OciVersion = "1.3.0",
            Root = new Root { Path = "rootfs" },
            Process = new Process { Cwd = "/", Args = ["sh"] },
        };

        string json = ConfigJson.Serialize(config);

        Assert.StartsWith("{\n\t\"ociVersion\": \"1.3.0\",\n\t\"process\": {\n\t\t", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("readonly", json, StringComparison.Ordinal);
        Assert.DoesNotContain("linux", json, StringComparison.Ordinal);
        Assert.EndsWith("}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_keeps_plus_and_non_ascii_readable()
    {
        var config = new ContainerConfig
        {
            OciVersion = "1.3.0",
            Annotations = new() { ["a"] = "x+y <é>" },
        };

        Assert.Contains("\"x+y <é>\"", ConfigJson.Serialize(config), StringComparison.Ordinal);
    }

    [Fact]
    public void Acronym_properties_use_the_spec_json_names()
    {
        ContainerConfig c = ConfigJson.Parse(Encoding.UTF8.GetBytes(FullConfig.Json));
        string json = ConfigJson.Serialize(c);

        foreach (string name in new[]
        {
            "\"containerID\"", "\"hostID\"", "\"classID\"", "\"ioPriority\"", "\"execCPUAffinity\"",
            "\"readonly\"", "\"closID\"", "\"l3CacheSchema\"", "\"memBwSchema\"", "\"kernelTCP\"",
            "\"disableOOMKiller\"", "\"blockIO\"", "\"throttleReadIOPSDevice\"", "\"throttleWriteIOPSDevice\"",
            "\"hcaHandles\"", "\"pageSize\"", "\"oomScoreAdj\"", "\"valueTwo\"", "\"errnoRet\"",
            "\"defaultErrnoRet\"", "\"uidMappings\"", "\"netDevices\"", "\"timeOffsets\"", "\"memoryPolicy\"",
        })
        {
            Assert.Contains(name, json, StringComparison.Ordinal);
        }
    }
}
