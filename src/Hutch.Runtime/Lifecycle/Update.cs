using Hutch.Linux.Cgroups;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Cgroups.Systemd;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `update ID`: merges the given resources into the container's (ResourcesMerge), writes them to
/// its cgroup, and records them in the config.json kept in the state directory, so that the next
/// update merges into what is in force. Under --systemd-cgroup the unit's properties are set first. A value the cgroup refuses fails the update; what was
/// written before it stays (the kernel has no transaction), and the record is left unchanged.
/// </summary>
internal static class Update
{
    public static void Run(string root, string id, LinuxResources update, Action<string>? warn = null)
    {
        // The rules create applies to linux.resources (ranges, device numbers), before anything is locked.
        var report = new ValidationReport();
        ResourcesRules.Check(update, report);
        if (!report.IsValid)
        {
            throw new LifecycleException($"cannot update container {id}: " + string.Join("; ", report.Errors));
        }
        var store = new StateStore(root);
        using var held = store.Lock(id);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        if (status == ContainerStatus.Stopped)
        {
            throw new LifecycleException($"cannot update container {id}: container not running (it has stopped)");
        }
        var cgroup = ContainerCgroup.Open(state)
            ?? throw new LifecycleException($"cannot update container {id}: {ContainerCgroup.NoCgroupReason}");
        var configPath = Path.Combine(store.DirectoryOf(id), "config.json");
        var config = ConfigJson.Load(configPath);
        var linux = config.Linux ??= new Hutch.Spec.Linux();
        var merged = ResourcesMerge.Apply(linux.Resources, update);
        try
        {
            if (state.SystemdUnit is { } unit)
            {
                // As runc: the unit's properties from all the resources, then the files.
                SystemdScope.Update(unit, state.SystemdUserManager, cgroup, merged, warn);
            }
            CgroupResources.Apply(cgroup, WithoutDevices(merged), update: true);
        }
        catch (Exception e) when (e is CgroupException or CgroupResourceException or SystemdException)
        {
            throw new LifecycleException($"cannot update container {id}: {e.Message}", e);
        }
        linux.Resources = merged;
        var temporary = configPath + ".tmp";
        File.WriteAllText(temporary, ConfigJson.Serialize(config));
        File.Move(temporary, configPath, overwrite: true);
    }

    private static LinuxResources WithoutDevices(LinuxResources r) => new()
    {
        Memory = r.Memory,
        Cpu = r.Cpu,
        Pids = r.Pids,
        BlockIO = r.BlockIO,
        HugepageLimits = r.HugepageLimits,
        Network = r.Network,
        Rdma = r.Rdma,
        Unified = r.Unified,
    };
}
