using System.Globalization;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// linux.memoryPolicy through bin/hutch: the container's own /proc/self/numa_maps shows the policy
/// the kernel holds for it (mpol_to_str: "interleave:0", "bind=static:0", "local", ...), for the
/// init and for an exec'd process; a node the host lacks and a policy the kernel refuses fail
/// create with the JSON path and leave nothing.
/// </summary>
public sealed class MemoryPolicyTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private const string CgroupV1Memory = "/sys/fs/cgroup/memory";

    // The policy field of the first mapping: numa_maps prints the task's policy for a mapping without its own.
    private const string ShowPolicy = "head -1 /proc/self/numa_maps | cut -d' ' -f2-";

    [NumaTheory]
    [InlineData("MPOL_DEFAULT", null, null, "default")]
    [InlineData("MPOL_BIND", "0", null, "bind:0")]
    [InlineData("MPOL_INTERLEAVE", "0", null, "interleave:0")]
    [InlineData("MPOL_PREFERRED", "0", null, "prefer:0")]
    [InlineData("MPOL_PREFERRED", null, null, "local")] // no nodes: the kernel makes it local
    [InlineData("MPOL_LOCAL", null, null, "local")]
    [InlineData("MPOL_BIND", "0", "MPOL_F_STATIC_NODES", "bind=static:0")]
    [InlineData("MPOL_INTERLEAVE", "0", "MPOL_F_RELATIVE_NODES", "interleave=relative:0")]
    public void The_containers_numa_maps_shows_the_policy(string mode, string? nodes, string? flag, string expected) =>
        AssertPolicy(mode, nodes, flag, expected);

    [NumaFact(5, 15)]
    public void MPOL_PREFERRED_MANY_is_applied() => AssertPolicy("MPOL_PREFERRED_MANY", "0", null, "prefer (many):0");

    [NumaFact(6, 9)]
    public void MPOL_WEIGHTED_INTERLEAVE_is_applied() => AssertPolicy("MPOL_WEIGHTED_INTERLEAVE", "0", null, "weighted interleave:0");

    [NumaFact(5, 12)]
    public void MPOL_F_NUMA_BALANCING_is_applied_with_MPOL_BIND() => AssertPolicy("MPOL_BIND", "0", "MPOL_F_NUMA_BALANCING", "bind=balancing:0");

    [NumaFact]
    public void An_exec_d_process_gets_the_containers_policy()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "60"];
            c.Linux!.MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_INTERLEAVE", Nodes = "0" };
        });
        try
        {
            var created = host.Hutch("create", "--bundle", bundle, id);
            Assert.True(created.ExitCode == 0, created.ToString());

            var exec = host.Hutch("exec", id, "sh", "-c", ShowPolicy);

            Assert.True(exec.ExitCode == 0, exec.ToString());
            Assert.StartsWith("interleave:0 ", exec.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    [NumaFact]
    public void A_node_the_host_does_not_have_is_refused_at_create_and_nothing_is_left()
    {
        var id = host.NewId();
        var cgroupsPath = "/hutch-it/" + id;
        var missing = MissingNode();
        var bundle = host.Bundle(c =>
        {
            c.Linux!.CgroupsPath = cgroupsPath;
            c.Linux.MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_BIND", Nodes = "0," + missing };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.memoryPolicy.nodes", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains($"memory node {missing} that this host does not have", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
        Assert.False(Directory.Exists(CgroupV1Memory + cgroupsPath), "no cgroup is left");
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [NumaFact(5, 12)]
    public void A_policy_the_kernel_refuses_fails_create_naming_the_json_path_and_nothing_is_left()
    {
        var id = host.NewId();
        var cgroupsPath = "/hutch-it/" + id;
        // Valid JSON, known names, but set_mempolicy takes MPOL_F_NUMA_BALANCING only with BIND or PREFERRED_MANY.
        var bundle = host.Bundle(c =>
        {
            c.Linux!.CgroupsPath = cgroupsPath;
            c.Linux.MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_INTERLEAVE", Nodes = "0", Flags = ["MPOL_F_NUMA_BALANCING"] };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.memoryPolicy: set_mempolicy MPOL_INTERLEAVE nodes \"0\" flags MPOL_F_NUMA_BALANCING: invalid argument",
            outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
        Assert.False(Directory.Exists(CgroupV1Memory + cgroupsPath), "no cgroup is left");
        Assert.False(host.AnyProcessHoldsRoot());
    }

    private void AssertPolicy(string mode, string? nodes, string? flag, string expected)
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sh", "-c", ShowPolicy];
            c.Linux!.MemoryPolicy = new LinuxMemoryPolicy { Mode = mode, Nodes = nodes, Flags = flag is null ? null : [flag] };
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.StartsWith(expected + " ", outcome.Stdout, StringComparison.Ordinal);
    }

    private static int MissingNode()
    {
        var present = Directory.EnumerateDirectories("/sys/devices/system/node", "node*")
            .Select(d => Path.GetFileName(d)[4..])
            .Where(n => n.Length > 0 && n.All(char.IsAsciiDigit))
            .Select(n => int.Parse(n, CultureInfo.InvariantCulture))
            .ToHashSet();
        return Enumerable.Range(1, 1023).First(n => !present.Contains(n));
    }
}

/// <summary>
/// A container test of NUMA memory policies: needs what <see cref="ContainerFactAttribute"/> needs, a
/// kernel with NUMA (/sys/devices/system/node/node0) and, when given, at least that kernel version.
/// </summary>
public sealed class NumaFactAttribute : FactAttribute
{
    public NumaFactAttribute(int major = 0, int minor = 0) => Skip = NumaRequirement.Missing(major, minor);
}

/// <inheritdoc cref="NumaFactAttribute"/>
public sealed class NumaTheoryAttribute : TheoryAttribute
{
    public NumaTheoryAttribute() => Skip = NumaRequirement.Missing(0, 0);
}

internal static class NumaRequirement
{
    public static string? Missing(int major, int minor)
    {
        var container = new ContainerFactAttribute().Skip;
        if (container is not null)
        {
            return container;
        }
        if (!Directory.Exists("/sys/devices/system/node/node0"))
        {
            return "needs a kernel with NUMA support (CONFIG_NUMA: /sys/devices/system/node/node0)";
        }
        var kernel = Environment.OSVersion.Version;
        return kernel < new Version(major, minor)
            ? $"needs Linux {major}.{minor} or later for this memory policy (this kernel is {kernel.Major}.{kernel.Minor})"
            : null;
    }
}
