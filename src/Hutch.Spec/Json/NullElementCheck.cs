namespace Hutch.Spec;

/// <summary>
/// System.Text.Json enforces non-nullable properties but not the elements of lists or the values
/// of maps, so ["sh", null] or {"key": null} would reach the runtime as nulls. No array or map
/// of the spec allows null: report the first one by its spec path.
/// </summary>
internal static class NullElementCheck
{
    /// <summary>The spec path of the first null element or map value, or null when there is none.</summary>
    public static string? FindNull(ContainerConfig config)
    {
        return Map(config.Annotations, "annotations")
            ?? Mounts(config.Mounts)
            ?? Process(config.Process)
            ?? Hooks(config.Hooks)
            ?? Linux(config.Linux);
    }

    private static string? Mounts(List<Mount>? mounts)
    {
        if (mounts is null)
        {
            return null;
        }

        for (int i = 0; i < mounts.Count; i++)
        {
            string at = $"mounts[{i}]";
            Mount? m = mounts[i];
            if (m is null)
            {
                return at;
            }

            if ((List(m.Options, $"{at}.options") ?? List(m.UidMappings, $"{at}.uidMappings") ?? List(m.GidMappings, $"{at}.gidMappings")) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? Process(Process? p)
    {
        if (p is null)
        {
            return null;
        }

        return List(p.Args, "process.args")
            ?? List(p.Env, "process.env")
            ?? List(p.User.AdditionalGids, "process.user.additionalGids")
            ?? List(p.Capabilities?.Bounding, "process.capabilities.bounding")
            ?? List(p.Capabilities?.Effective, "process.capabilities.effective")
            ?? List(p.Capabilities?.Inheritable, "process.capabilities.inheritable")
            ?? List(p.Capabilities?.Permitted, "process.capabilities.permitted")
            ?? List(p.Capabilities?.Ambient, "process.capabilities.ambient")
            ?? List(p.Rlimits, "process.rlimits")
            ?? List(p.Scheduler?.Flags, "process.scheduler.flags");
    }

    private static string? Hooks(Hooks? hooks)
    {
        if (hooks is null)
        {
            return null;
        }

        return HookList(hooks.Prestart, "hooks.prestart")
            ?? HookList(hooks.CreateRuntime, "hooks.createRuntime")
            ?? HookList(hooks.CreateContainer, "hooks.createContainer")
            ?? HookList(hooks.StartContainer, "hooks.startContainer")
            ?? HookList(hooks.Poststart, "hooks.poststart")
            ?? HookList(hooks.Poststop, "hooks.poststop");
    }

    private static string? HookList(List<Hook>? hooks, string at)
    {
        if (List(hooks, at) is { } found)
        {
            return found;
        }

        for (int i = 0; hooks is not null && i < hooks.Count; i++)
        {
            if ((List(hooks[i].Args, $"{at}[{i}].args") ?? List(hooks[i].Env, $"{at}[{i}].env")) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static string? Linux(Linux? l)
    {
        if (l is null)
        {
            return null;
        }

        return List(l.UidMappings, "linux.uidMappings")
            ?? List(l.GidMappings, "linux.gidMappings")
            ?? Map(l.Sysctl, "linux.sysctl")
            ?? Resources(l.Resources)
            ?? List(l.Namespaces, "linux.namespaces")
            ?? List(l.Devices, "linux.devices")
            ?? Seccomp(l.Seccomp)
            ?? List(l.MaskedPaths, "linux.maskedPaths")
            ?? List(l.ReadonlyPaths, "linux.readonlyPaths")
            ?? List(l.IntelRdt?.Schemata, "linux.intelRdt.schemata")
            ?? List(l.Personality?.Flags, "linux.personality.flags")
            ?? Map(l.TimeOffsets, "linux.timeOffsets")
            ?? List(l.MemoryPolicy?.Flags, "linux.memoryPolicy.flags")
            ?? Map(l.NetDevices, "linux.netDevices");
    }

    private static string? Resources(LinuxResources? r)
    {
        if (r is null)
        {
            return null;
        }

        return List(r.Devices, "linux.resources.devices")
            ?? List(r.BlockIO?.WeightDevice, "linux.resources.blockIO.weightDevice")
            ?? List(r.BlockIO?.ThrottleReadBpsDevice, "linux.resources.blockIO.throttleReadBpsDevice")
            ?? List(r.BlockIO?.ThrottleWriteBpsDevice, "linux.resources.blockIO.throttleWriteBpsDevice")
            ?? List(r.BlockIO?.ThrottleReadIOPSDevice, "linux.resources.blockIO.throttleReadIOPSDevice")
            ?? List(r.BlockIO?.ThrottleWriteIOPSDevice, "linux.resources.blockIO.throttleWriteIOPSDevice")
            ?? List(r.HugepageLimits, "linux.resources.hugepageLimits")
            ?? List(r.Network?.Priorities, "linux.resources.network.priorities")
            ?? Map(r.Rdma, "linux.resources.rdma")
            ?? Map(r.Unified, "linux.resources.unified");
    }

    private static string? Seccomp(LinuxSeccomp? s)
    {
        if (s is null)
        {
            return null;
        }

        if ((List(s.Architectures, "linux.seccomp.architectures") ?? List(s.Flags, "linux.seccomp.flags") ?? List(s.Syscalls, "linux.seccomp.syscalls")) is { } found)
        {
            return found;
        }

        for (int i = 0; s.Syscalls is not null && i < s.Syscalls.Count; i++)
        {
            string at = $"linux.seccomp.syscalls[{i}]";
            if ((List(s.Syscalls[i].Names, $"{at}.names") ?? List(s.Syscalls[i].Args, $"{at}.args")) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static string? List<T>(List<T>? list, string at)
    {
        if (list is null)
        {
            return null;
        }

        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                return $"{at}[{i}]";
            }
        }

        return null;
    }

    private static string? Map<T>(Dictionary<string, T>? map, string at)
    {
        if (map is null)
        {
            return null;
        }

        foreach ((string key, T value) in map)
        {
            if (value is null)
            {
                return $"{at}[\"{key.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
            }
        }

        return null;
    }
}
