using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Spec;

namespace Hutch.Runtime.Processes;

/// <summary>
/// The host's NUMA memory nodes, as sysfs lists them (/sys/devices/system/node/nodeN), checked
/// against linux.memoryPolicy.nodes before `create` claims anything: set_mempolicy's EINVAL for a
/// node that does not exist would otherwise come from the init, unexplained.
/// </summary>
internal static class MemoryNodes
{
    /// <summary>Nodes 0-1023: the kernel's MAX_NUMNODES at its largest (NODES_SHIFT 10).</summary>
    public const int MaxNodes = 1024;

    public const string SysfsDirectory = "/sys/devices/system/node";

    /// <summary>
    /// Throws <see cref="ProcessSetupException"/> naming linux.memoryPolicy.nodes when a node it lists
    /// does not exist under <paramref name="sysfs"/>, or when the kernel has no NUMA support at all.
    /// With MPOL_F_RELATIVE_NODES the numbers are positions in the allowed set, not nodes: not checked.
    /// </summary>
    public static void CheckExist(LinuxMemoryPolicy? policy, string sysfs = SysfsDirectory)
    {
        if (policy is null)
        {
            return;
        }
        var planned = ProcessPlanner.PlanMemoryPolicy(policy);
        if (!Directory.Exists(sysfs))
        {
            throw new ProcessSetupException("memory policy",
                $"config.json: linux.memoryPolicy: this kernel has no NUMA support ({sysfs} does not exist); remove linux.memoryPolicy");
        }
        if (planned.Policy.Nodes is not { } mask || (planned.Policy.Mode & Libc.MPOL_F_RELATIVE_NODES) != 0)
        {
            return;
        }
        var missing = new List<int>();
        for (var node = 0; node < mask.Length * 64; node++)
        {
            if ((mask[node / 64] & (1UL << (node % 64))) != 0 &&
                !Directory.Exists(Path.Combine(sysfs, "node" + node.ToString(CultureInfo.InvariantCulture))))
            {
                missing.Add(node);
            }
        }
        if (missing.Count > 0)
        {
            var present = Directory.EnumerateDirectories(sysfs, "node*")
                .Select(dir => Path.GetFileName(dir)[4..])
                .Where(n => n.Length > 0 && n.All(char.IsAsciiDigit))
                .Select(n => int.Parse(n, CultureInfo.InvariantCulture))
                .Order()
                .ToList();
            throw new ProcessSetupException("memory policy",
                $"config.json: linux.memoryPolicy.nodes: \"{policy.Nodes}\" names memory node{(missing.Count > 1 ? "s" : "")} " +
                $"{string.Join(", ", missing)} that this host does not have (its nodes: {string.Join(", ", present)}, from {sysfs}); " +
                "list only existing nodes");
        }
    }
}
