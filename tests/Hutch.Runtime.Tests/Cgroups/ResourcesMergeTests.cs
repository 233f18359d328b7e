using Hutch.Runtime.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Tests.Cgroups;

/// <summary>`update` merges into the container's resources as runc does: what it sets replaces, the rest stays.</summary>
public sealed class ResourcesMergeTests
{
    [Fact]
    public void Values_the_update_sets_replace_and_the_rest_stays()
    {
        var current = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 100, Swap = 200 },
            Cpu = new LinuxCpu { Shares = 1024, Cpus = "0" },
            Pids = new LinuxPids { Limit = 5 },
            Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }],
        };
        var update = new LinuxResources { Memory = new LinuxMemory { Limit = 150 }, Cpu = new LinuxCpu { Quota = 5000 } };

        var merged = ResourcesMerge.Apply(current, update);

        Assert.Equal(150, merged.Memory!.Limit);
        Assert.Equal(200, merged.Memory.Swap);
        Assert.Equal(1024UL, merged.Cpu!.Shares);
        Assert.Equal(5000, merged.Cpu.Quota);
        Assert.Equal("0", merged.Cpu.Cpus);
        Assert.Equal(5, merged.Pids!.Limit);
        Assert.Single(merged.Devices!);
    }

    [Fact]
    public void An_update_of_a_container_without_resources_starts_from_nothing()
    {
        var merged = ResourcesMerge.Apply(null, new LinuxResources { Pids = new LinuxPids { Limit = 3 }, Unified = new() { ["pids.max"] = "3" } });

        Assert.Equal(3, merged.Pids!.Limit);
        Assert.Equal("3", merged.Unified!["pids.max"]);
        Assert.Null(merged.Memory);
    }

    [Fact]
    public void Unified_keys_merge_one_by_one()
    {
        var current = new LinuxResources { Unified = new() { ["memory.high"] = "1000", ["pids.max"] = "9" } };

        var merged = ResourcesMerge.Apply(current, new LinuxResources { Unified = new() { ["pids.max"] = "10" } });

        Assert.Equal("1000", merged.Unified!["memory.high"]);
        Assert.Equal("10", merged.Unified["pids.max"]);
    }
}
