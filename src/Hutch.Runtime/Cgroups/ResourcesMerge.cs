using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>
/// `update`'s merge, as runc's: every value the update sets replaces the container's, the rest
/// stays. Devices are not updatable (runc ignores them too): an update never reopens the device
/// list of a running container.
/// </summary>
internal static class ResourcesMerge
{
    public static LinuxResources Apply(LinuxResources? current, LinuxResources update)
    {
        var merged = current ?? new LinuxResources();
        if (update.Memory is { } memory)
        {
            var into = merged.Memory ??= new LinuxMemory();
            into.Limit = memory.Limit ?? into.Limit;
            into.Reservation = memory.Reservation ?? into.Reservation;
            into.Swap = memory.Swap ?? into.Swap;
            into.Kernel = memory.Kernel ?? into.Kernel;
            into.KernelTCP = memory.KernelTCP ?? into.KernelTCP;
            into.Swappiness = memory.Swappiness ?? into.Swappiness;
            into.DisableOOMKiller = memory.DisableOOMKiller ?? into.DisableOOMKiller;
            into.UseHierarchy = memory.UseHierarchy ?? into.UseHierarchy;
            into.CheckBeforeUpdate = memory.CheckBeforeUpdate ?? into.CheckBeforeUpdate;
        }
        if (update.Cpu is { } cpu)
        {
            var into = merged.Cpu ??= new LinuxCpu();
            into.Shares = cpu.Shares ?? into.Shares;
            into.Quota = cpu.Quota ?? into.Quota;
            into.Burst = cpu.Burst ?? into.Burst;
            into.Period = cpu.Period ?? into.Period;
            into.RealtimeRuntime = cpu.RealtimeRuntime ?? into.RealtimeRuntime;
            into.RealtimePeriod = cpu.RealtimePeriod ?? into.RealtimePeriod;
            into.Cpus = string.IsNullOrEmpty(cpu.Cpus) ? into.Cpus : cpu.Cpus;
            into.Mems = string.IsNullOrEmpty(cpu.Mems) ? into.Mems : cpu.Mems;
            into.Idle = cpu.Idle ?? into.Idle;
        }
        if (update.Pids is { } pids)
        {
            merged.Pids = pids;
        }
        if (update.BlockIO is { } blockIO)
        {
            var into = merged.BlockIO ??= new LinuxBlockIO();
            into.Weight = blockIO.Weight ?? into.Weight;
            into.LeafWeight = blockIO.LeafWeight ?? into.LeafWeight;
            into.WeightDevice = blockIO.WeightDevice ?? into.WeightDevice;
            into.ThrottleReadBpsDevice = blockIO.ThrottleReadBpsDevice ?? into.ThrottleReadBpsDevice;
            into.ThrottleWriteBpsDevice = blockIO.ThrottleWriteBpsDevice ?? into.ThrottleWriteBpsDevice;
            into.ThrottleReadIOPSDevice = blockIO.ThrottleReadIOPSDevice ?? into.ThrottleReadIOPSDevice;
            into.ThrottleWriteIOPSDevice = blockIO.ThrottleWriteIOPSDevice ?? into.ThrottleWriteIOPSDevice;
        }
        merged.HugepageLimits = update.HugepageLimits ?? merged.HugepageLimits;
        merged.Network = update.Network ?? merged.Network;
        merged.Rdma = update.Rdma ?? merged.Rdma;
        if (update.Unified is { } unified)
        {
            merged.Unified ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in unified)
            {
                merged.Unified[key] = value;
            }
        }
        return merged;
    }
}
