using Hutch.Linux.Interop;
using Hutch.Runtime.Processes;
using Hutch.Spec;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>linux.memoryPolicy to set_mempolicy's numbers, and the check of its nodes against a sysfs node directory.</summary>
public sealed class MemoryPolicyPlanTests : IDisposable
{
    private readonly string _sysfs = Directory.CreateTempSubdirectory("hutch-nodes-").FullName;

    public void Dispose() => Directory.Delete(_sysfs, recursive: true);

    [Theory]
    [InlineData("MPOL_DEFAULT", 0)]
    [InlineData("MPOL_PREFERRED", 1)]
    [InlineData("MPOL_BIND", 2)]
    [InlineData("MPOL_INTERLEAVE", 3)]
    [InlineData("MPOL_LOCAL", 4)]
    [InlineData("MPOL_PREFERRED_MANY", 5)]
    [InlineData("MPOL_WEIGHTED_INTERLEAVE", 6)]
    public void Each_mode_is_the_kernels_number(string mode, int number)
    {
        var planned = ProcessPlanner.PlanMemoryPolicy(new LinuxMemoryPolicy { Mode = mode });

        Assert.Equal(number, planned.Policy.Mode);
        Assert.Null(planned.Policy.Nodes);
        Assert.Equal(0u, planned.Policy.NodeBits);
    }

    [Fact]
    public void Flags_are_ored_into_the_mode_and_nodes_become_a_mask()
    {
        var planned = ProcessPlanner.PlanMemoryPolicy(new LinuxMemoryPolicy
        {
            Mode = "MPOL_BIND", Nodes = "0-2,65", Flags = ["MPOL_F_STATIC_NODES", "MPOL_F_NUMA_BALANCING"],
        });

        Assert.Equal(Libc.MPOL_BIND | Libc.MPOL_F_STATIC_NODES | Libc.MPOL_F_NUMA_BALANCING, planned.Policy.Mode);
        Assert.Equal(0b111UL, planned.Policy.Nodes![0]);
        Assert.Equal(0b10UL, planned.Policy.Nodes[1]);
        Assert.Equal((uint)MemoryNodes.MaxNodes, planned.Policy.NodeBits);
        Assert.Equal("MPOL_BIND nodes \"0-2,65\" flags MPOL_F_STATIC_NODES|MPOL_F_NUMA_BALANCING", planned.Description);
    }

    [Theory]
    [InlineData("0-", "\"\" is not a memory node number")]
    [InlineData("1024", "memory node 1024 is past the last one hutch can address (1023)")]
    [InlineData("3-1", "ends before it starts")]
    public void A_bad_node_list_names_the_json_path(string nodes, string message)
    {
        var e = Assert.Throws<ProcessSetupException>(() => ProcessPlanner.PlanMemoryPolicy(new LinuxMemoryPolicy { Mode = "MPOL_BIND", Nodes = nodes }));

        Assert.Contains("linux.memoryPolicy.nodes", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_that_exist_pass_and_missing_ones_are_named()
    {
        Directory.CreateDirectory(Path.Combine(_sysfs, "node0"));
        Directory.CreateDirectory(Path.Combine(_sysfs, "node2"));

        MemoryNodes.CheckExist(new LinuxMemoryPolicy { Mode = "MPOL_INTERLEAVE", Nodes = "0,2" }, _sysfs);
        var e = Assert.Throws<ProcessSetupException>(() =>
            MemoryNodes.CheckExist(new LinuxMemoryPolicy { Mode = "MPOL_INTERLEAVE", Nodes = "0-3" }, _sysfs));

        Assert.Contains("linux.memoryPolicy.nodes: \"0-3\" names memory nodes 1, 3 that this host does not have (its nodes: 0, 2", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_nodes_are_positions_and_not_checked()
    {
        Directory.CreateDirectory(Path.Combine(_sysfs, "node0"));

        MemoryNodes.CheckExist(new LinuxMemoryPolicy { Mode = "MPOL_BIND", Nodes = "5", Flags = ["MPOL_F_RELATIVE_NODES"] }, _sysfs);
    }

    [Fact]
    public void A_kernel_without_numa_is_refused()
    {
        var e = Assert.Throws<ProcessSetupException>(() =>
            MemoryNodes.CheckExist(new LinuxMemoryPolicy { Mode = "MPOL_LOCAL" }, Path.Combine(_sysfs, "absent")));

        Assert.Contains("linux.memoryPolicy: this kernel has no NUMA support", e.Message, StringComparison.Ordinal);
    }
}
