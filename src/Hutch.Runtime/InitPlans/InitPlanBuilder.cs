using Hutch.Linux.Mounts;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Paths;
using Hutch.Runtime.Lifecycle;
using Hutch.Runtime.Processes;
using Hutch.Runtime.Rootfs;
using Hutch.Spec;
using SpecProcess = Hutch.Spec.Process;

namespace Hutch.Runtime.InitPlans;

/// <summary>What the plan depends on beyond config.json: create's flags and the kernel's last capability.</summary>
internal sealed record InitPlanInput
{
    public required ContainerConfig Config { get; init; }

    /// <summary>The bundle directory, absolute (root.path and bind sources are relative to it).</summary>
    public required string Bundle { get; init; }

    public required string Id { get; init; }

    public bool NoPivot { get; init; }

    public bool NoNewKeyring { get; init; }

    /// <summary>--console-socket was given (with process.terminal).</summary>
    public bool ConsoleSocket { get; init; }

    public int PreserveFds { get; init; }

    /// <summary>LISTEN_FDS passed on to the process (systemd socket activation), or null.</summary>
    public int? ListenFds { get; init; }

    /// <summary>/proc/sys/kernel/cap_last_cap (an input, so a plan is the same on every machine in tests).</summary>
    public required int LastCapability { get; init; }
}

/// <summary>
/// Builds the init plan from a validated config: pure (no system call, no file read), every
/// decision that today's init makes from the config made here, in the init's order
/// (Init/InitProcess.cs, Rootfs/RootfsBuilder.cs, ConfigMounts.cs, DeviceNodes.cs,
/// Process/ProcessPlanner.cs), and the same errors for a config it refuses. What only the
/// machine can answer stays with the executor and is named in docs/design/init-plan.md: a bind
/// source's file type (directory or file at the destination), which mount holds the rootfs, whether
/// mknod is permitted, whether a new sysfs is (else the host's is bound), the host's cgroup
/// hierarchies for a cgroup mount, the executable's path in the rootfs.
/// </summary>
internal static class InitPlanBuilder
{
    private const uint DefaultDeviceMode = 0x1B6; // 0666
    private const uint DirectoryMode = 0x1ED;     // 0755
    private const uint S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFBLK = 0x6000;
    private const MountExtensions BindOnlyExtensions =
        MountExtensions.CopySymlink | MountExtensions.SourceNoFollow | MountExtensions.DestinationNoFollow;

    public static InitPlan Build(InitPlanInput input)
    {
        var config = input.Config;
        var ops = new List<InitOp>();
        var namespaces = NamespacePlan.From(config);

        foreach (var (kind, path) in namespaces.Joined.OrderBy(j => IndexOf(NamespaceKinds.JoinOrder, j.Kind)))
        {
            ops.Add(new InitOp(InitOpKind.JoinNamespace, kind.CloneFlag(), path));
        }
        var cloneFlags = namespaces.Cloned.Aggregate(0UL, (flags, kind) => flags | kind.CloneFlag());
        ops.Add(new InitOp(InitOpKind.Namespaces, cloneFlags, InitOp.Bool(namespaces.UnsharesCgroup)));
        if (!input.NoNewKeyring)
        {
            ops.Add(new InitOp(InitOpKind.SessionKeyring, "_ses." + input.Id));
        }

        // Planned before any mount, as the init does: a bad capability or rlimit fails first.
        var process = config.Process is { } spec ? PlanProcess(spec, input) : null;

        var rootfs = Path.GetFullPath(config.Root?.Path ?? "", input.Bundle);
        var readonlyTmpfs = new List<string>();
        if (namespaces.HasMount)
        {
            AddPrepare(config, input, rootfs, namespaces.HasUser, ops, readonlyTmpfs);
        }
        ops.Add(new InitOp(InitOpKind.HookPoint, "prestart,createRuntime", "createContainer"));
        if (!namespaces.HasMount)
        {
            ops.Add(new InitOp(InitOpKind.Chroot, rootfs));
        }
        else
        {
            ops.Add(input.NoPivot ? new InitOp(InitOpKind.MoveRootAndChroot) : new InitOp(InitOpKind.PivotRoot));
        }
        if (input.ConsoleSocket)
        {
            ops.Add(new InitOp(InitOpKind.Console));
        }
        if (config.Hostname is { } hostname)
        {
            ops.Add(new InitOp(InitOpKind.Hostname, hostname));
        }
        if (config.Domainname is { } domainname)
        {
            ops.Add(new InitOp(InitOpKind.Domainname, domainname));
        }
        if (namespaces.HasMount)
        {
            AddFinish(config, ops, readonlyTmpfs);
        }
        if (process is not null)
        {
            AddProcess(process, config, input, ops);
        }
        ops.Add(new InitOp(InitOpKind.WaitForStart));
        return new InitPlan(ops);
    }

    // RootfsBuilder.Prepare: propagation, rootfs bind, config mounts, /dev, linux.devices, private proc.
    private static void AddPrepare(ContainerConfig config, InitPlanInput input, string rootfs, bool userNamespace, List<InitOp> ops, List<string> readonlyTmpfs)
    {
        var propagation = RootfsPropagation.Parse(config.Linux?.RootfsPropagation);
        ops.Add(new InitOp(InitOpKind.RootPropagation, (ulong)RootfsPropagation.BeforePivot(propagation)));
        var parentFlags = (propagation & MountFlags.Slave) != 0 ? MountFlags.Slave : MountFlags.Private;
        ops.Add(new InitOp(InitOpKind.RootfsParentPropagation, rootfs, (ulong)parentFlags));
        ops.Add(new InitOp(InitOpKind.BindRootfs, rootfs));
        var mounts = config.Mounts ?? [];
        for (var i = 0; i < mounts.Count; i++)
        {
            AddMount(mounts[i], i, input, ops, readonlyTmpfs);
        }
        var bindDevices = userNamespace;
        if (DeviceNodes.NeedsDevSetup(config))
        {
            foreach (var (path, major, minor) in DeviceNodes.Defaults)
            {
                if (config.Linux?.Devices?.Any(d => RootPath.Clean(d.Path) == path) == true)
                {
                    continue;
                }
                ops.Add(new InitOp(InitOpKind.DeviceNode, path, S_IFCHR, major, minor, DefaultDeviceMode, 0u, 0u, InitOp.Bool(bindDevices)));
            }
            if ((config.Mounts ?? []).Any(m => RootPath.Clean(m.Destination) == "/dev"))
            {
                ops.Add(new InitOp(InitOpKind.MakeDirectory, "/dev/pts", DirectoryMode));
                ops.Add(new InitOp(InitOpKind.MakeDirectory, "/dev/shm", DirectoryMode));
            }
            foreach (var (target, link) in DeviceNodes.Links)
            {
                ops.Add(new InitOp(InitOpKind.Symlink, target, link));
            }
        }
        foreach (var device in config.Linux?.Devices ?? [])
        {
            var type = device.Type switch
            {
                "c" or "u" => S_IFCHR,
                "b" => S_IFBLK,
                "p" => S_IFIFO,
                _ => throw new MountException(
                    $"create device {device.Path}: type \"{device.Type}\" is not one of c, b, u or p (linux.devices)"),
            };
            ops.Add(new InitOp(InitOpKind.DeviceNode, RootPath.Clean(device.Path), type, (uint)device.Major, (uint)device.Minor,
                (device.FileMode ?? DefaultDeviceMode) & 0xFFF, device.Uid ?? 0, device.Gid ?? 0,
                InitOp.Bool(bindDevices && type != S_IFIFO)));
        }
        if (config.Linux?.Sysctl is { Count: > 0 })
        {
            ops.Add(new InitOp(InitOpKind.OpenPrivateProc));
        }
    }

    // ConfigMounts.Mount, its checks and its decisions.
    private static void AddMount(Mount mount, int index, InitPlanInput input, List<InitOp> ops, List<string> readonlyTmpfs)
    {
        var destination = RootPath.Clean(mount.Destination);
        var parsed = MountOptions.Parse(mount.Options);
        var isBind = parsed.Bind || mount.Type == "bind";
        var idMapped = MountIdMapping.IsIdMapped(mount);
        if (idMapped && !isBind)
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                $"{JsonPath.Index("mounts", index)}: id-mapped mounts (idmap, ridmap, uidMappings, gidMappings) apply to bind mounts only");
        }
        if (!idMapped && (parsed.Extensions & MountExtensions.TmpCopyUp) != 0 && (isBind || mount.Type != "tmpfs"))
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL, "tmpcopyup applies to tmpfs mounts only");
        }
        if (!idMapped && (parsed.Extensions & BindOnlyExtensions) != 0 && !isBind)
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                "copy-symlink, src-nofollow and dest-nofollow apply to bind mounts only");
        }
        if (isBind)
        {
            if (string.IsNullOrEmpty(mount.Source))
            {
                throw new MountException("bind mount", null, destination, Hutch.Linux.Errno.EINVAL, "a bind mount needs a source");
            }
            var source = Path.GetFullPath(mount.Source, input.Bundle);
            if ((parsed.Extensions & MountExtensions.CopySymlink) != 0
                && (parsed.Extensions & (MountExtensions.SourceNoFollow | MountExtensions.DestinationNoFollow)) != 0)
            {
                throw new MountException("bind mount", source, destination, Hutch.Linux.Errno.EINVAL,
                    "copy-symlink cannot be combined with src-nofollow or dest-nofollow");
            }
            var (set, clear) = MountOptions.ToMountAttr(parsed.Flags, parsed.ClearFlags);
            ops.Add(new InitOp(InitOpKind.BindMount, source, destination, InitOp.Bool(parsed.Recursive), (uint)parsed.Extensions,
                (ulong)set, (ulong)clear, idMapped ? (uint)index : uint.MaxValue));
            AddAttributes(destination, parsed, ops);
            return;
        }
        var type = mount.Type;
        if (string.IsNullOrEmpty(type) || type == "none")
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                "a mount without a filesystem type must have the bind or rbind option");
        }
        var deferReadonly = type == "tmpfs" && (parsed.Flags & MountFlags.ReadOnly) != 0;
        var flags = parsed.Flags & ~(MountFlags.Bind | MountFlags.Recursive | MountFlags.Remount);
        if (deferReadonly)
        {
            flags &= ~MountFlags.ReadOnly;
            readonlyTmpfs.Add(destination);
        }
        if (type is "cgroup" or "cgroup2")
        {
            ops.Add(new InitOp(InitOpKind.CgroupMount, mount.Source ?? type, destination, type, (ulong)flags, parsed.Data));
        }
        else
        {
            ops.Add(new InitOp(InitOpKind.Mount, mount.Source ?? type, destination, type, (ulong)flags, parsed.Data,
                InitOp.Bool(deferReadonly), InitOp.Bool((parsed.Extensions & MountExtensions.TmpCopyUp) != 0),
                InitOp.Bool(type == "sysfs")));
        }
        AddAttributes(destination, parsed, ops);
    }

    // ConfigMounts.ApplyAttributes: recursive attributes, then each propagation change in order.
    private static void AddAttributes(string destination, ParsedMountOptions parsed, List<InitOp> ops)
    {
        if (parsed.HasRecursiveAttributes)
        {
            ops.Add(new InitOp(InitOpKind.MountSetAttr, destination, 1u, (ulong)parsed.RecursiveSet, (ulong)parsed.RecursiveClear, 0UL));
        }
        foreach (var step in parsed.PropagationSteps)
        {
            ops.Add(new InitOp(InitOpKind.MountSetAttr, destination, InitOp.Bool((step & MountFlags.Recursive) != 0), 0UL, 0UL,
                (ulong)(step & ~MountFlags.Recursive)));
        }
    }

    // RootfsBuilder.FinishAfterPivot after the uts names: sysctl, readonly and masked paths,
    // read-only tmpfs, root.readonly, then a shared or unbindable rootfsPropagation.
    private static void AddFinish(ContainerConfig config, List<InitOp> ops, List<string> readonlyTmpfs)
    {
        foreach (var (key, value) in config.Linux?.Sysctl ?? [])
        {
            ops.Add(new InitOp(InitOpKind.Sysctl, key, value));
        }
        foreach (var path in config.Linux?.ReadonlyPaths ?? [])
        {
            ops.Add(new InitOp(InitOpKind.ReadonlyPath, path));
        }
        foreach (var path in config.Linux?.MaskedPaths ?? [])
        {
            ops.Add(new InitOp(InitOpKind.MaskedPath, path));
        }
        foreach (var destination in readonlyTmpfs)
        {
            ops.Add(new InitOp(InitOpKind.RemountReadonly, destination));
        }
        if (config.Root?.Readonly == true)
        {
            ops.Add(new InitOp(InitOpKind.RootReadonly));
        }
        var propagation = RootfsPropagation.Parse(config.Linux?.RootfsPropagation);
        if (RootfsPropagation.AppliesAfterPivot(propagation))
        {
            ops.Add(new InitOp(InitOpKind.RootfsPropagation, (ulong)propagation));
        }
    }

    // InitProcess.Plan: LISTEN_FDS added to the environment, then ProcessPlanner.
    private static ProcessPlan PlanProcess(SpecProcess spec, InitPlanInput input)
    {
        var process = spec;
        if (input.ListenFds is { } listenFds)
        {
            process = Clone(spec);
            process.Env = [.. spec.Env ?? [], "LISTEN_FDS=" + listenFds.ToString(System.Globalization.CultureInfo.InvariantCulture), "LISTEN_PID=1"];
        }
        return ProcessPlanner.Plan(process, input.Config.Linux?.Seccomp, input.Config.Linux?.Personality,
            new ProcessPlanOptions { PreserveFds = input.PreserveFds, LastCapability = input.LastCapability },
            input.Config.Linux?.MemoryPolicy);
    }

    private static SpecProcess Clone(SpecProcess spec) => ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(
        ConfigJson.Serialize(new ContainerConfig { OciVersion = "1.3.0", Process = spec }))).Process!;

    private static void AddProcess(ProcessPlan plan, ContainerConfig config, InitPlanInput input, List<InitOp> ops)
    {
        var caps = plan.Capabilities;
        var scheduler = plan.Scheduler is { } s
            ? new ulong[] { s.Policy, s.Flags, (ulong)(uint)s.Nice, s.Priority, s.Runtime, s.Deadline, s.Period }
            : [];
        ops.Add(new InitOp(InitOpKind.Process,
            plan.Args, plan.Env, plan.Cwd, plan.Uid, plan.Gid, (IReadOnlyList<ulong>)[.. plan.AdditionalGids.Select(g => (ulong)g)],
            plan.Umask, caps.Bounding.Bits, caps.Effective.Bits, caps.Permitted.Bits, caps.Inheritable.Bits, caps.Ambient.Bits,
            (uint)caps.LastCapability, InitOp.Bool(plan.NoNewPrivileges), InitOp.Bool(config.Process?.Terminal == true),
            (uint)input.PreserveFds, InitOp.Bool(plan.OomScoreAdj is not null), (uint)(plan.OomScoreAdj ?? 0),
            InitOp.Bool(plan.Personality is not null), plan.Personality ?? 0, InitOp.Bool(plan.IoPriority is not null),
            (uint)(plan.IoPriority ?? 0), (IReadOnlyList<ulong>)scheduler, InitOp.Bool(plan.MemoryPolicy is not null),
            (uint)(plan.MemoryPolicy?.Policy.Mode ?? 0), (IReadOnlyList<ulong>)(plan.MemoryPolicy?.Policy.Nodes ?? []),
            plan.ApparmorProfile ?? "", plan.SelinuxLabel ?? ""));
        foreach (var rlimit in plan.Rlimits)
        {
            ops.Add(new InitOp(InitOpKind.Rlimit, (uint)rlimit.Resource, rlimit.Soft, rlimit.Hard));
        }
        if (plan.Seccomp is { } filter)
        {
            ops.Add(new InitOp(InitOpKind.Seccomp, filter.DefaultAction, filter.Flags, filter.Architectures,
                plan.SeccompListenerPath ?? "", plan.SeccompListenerMetadata ?? ""));
            foreach (var rule in filter.Rules)
            {
                var conditions = new List<ulong>();
                foreach (var condition in rule.Conditions)
                {
                    conditions.AddRange([condition.Index, (ulong)(uint)condition.Operator, condition.DatumA, condition.DatumB]);
                }
                ops.Add(new InitOp(InitOpKind.SeccompRule, rule.Syscall, rule.Action, (IReadOnlyList<ulong>)conditions));
            }
        }
    }

    private static int IndexOf(IReadOnlyList<NamespaceKind> order, NamespaceKind kind)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == kind)
            {
                return i;
            }
        }
        return order.Count;
    }
}
