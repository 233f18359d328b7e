namespace Hutch.Runtime.InitPlans;

/// <summary>How one field of an op is encoded (docs/design/init-plan.md, "Encoding").</summary>
internal enum PlanValueType : byte
{
    /// <summary>uint; booleans are 0 or 1.</summary>
    U32 = 1,
    U64 = 2,
    /// <summary>UTF-8, never null ("" for none).</summary>
    Str = 3,
    StrList = 4,
    U64List = 5,
}

internal readonly record struct PlanField(string Name, PlanValueType Type);

/// <summary>The fields of each op, in encoding order: the one definition that the builder, the
/// text form, the encoder and the decoder follow.</summary>
internal static class InitOpSchema
{
    private static PlanField U32(string name) => new(name, PlanValueType.U32);
    private static PlanField U64(string name) => new(name, PlanValueType.U64);
    private static PlanField Str(string name) => new(name, PlanValueType.Str);
    private static PlanField StrList(string name) => new(name, PlanValueType.StrList);
    private static PlanField U64List(string name) => new(name, PlanValueType.U64List);

    public static IReadOnlyList<PlanField> Fields(InitOpKind kind) => kind switch
    {
        InitOpKind.Namespaces => [U64("clone_flags"), U32("unshare_cgroup")],
        InitOpKind.JoinNamespace => [U64("nstype"), Str("path")],
        InitOpKind.SessionKeyring => [Str("name")],
        InitOpKind.RootPropagation => [U64("flags")],
        InitOpKind.RootfsParentPropagation => [Str("rootfs"), U64("flags")],
        InitOpKind.BindRootfs => [Str("rootfs")],
        InitOpKind.Mount => [Str("source"), Str("destination"), Str("type"), U64("flags"), Str("data"),
            U32("defer_readonly"), U32("tmpcopyup"), U32("sysfs_fallback")],
        InitOpKind.CgroupMount => [Str("source"), Str("destination"), Str("type"), U64("flags"), Str("data")],
        InitOpKind.BindMount => [Str("source"), Str("destination"), U32("recursive"), U32("extensions"),
            U64("attr_set"), U64("attr_clear"), U32("id_mapped_index")],
        InitOpKind.MountSetAttr => [Str("destination"), U32("recursive"), U64("attr_set"), U64("attr_clear"), U64("propagation")],
        InitOpKind.DeviceNode => [Str("path"), U32("type"), U32("major"), U32("minor"), U32("mode"), U32("uid"), U32("gid"),
            U32("bind_from_host")],
        InitOpKind.MakeDirectory => [Str("path"), U32("mode")],
        InitOpKind.Symlink => [Str("target"), Str("link")],
        InitOpKind.OpenPrivateProc => [],
        InitOpKind.HookPoint => [Str("parent_hooks"), Str("init_hooks")],
        InitOpKind.PivotRoot => [],
        InitOpKind.MoveRootAndChroot => [],
        InitOpKind.Chroot => [Str("rootfs")],
        InitOpKind.Console => [],
        InitOpKind.Hostname => [Str("name")],
        InitOpKind.Domainname => [Str("name")],
        InitOpKind.Sysctl => [Str("key"), Str("value")],
        InitOpKind.ReadonlyPath => [Str("path")],
        InitOpKind.MaskedPath => [Str("path")],
        InitOpKind.RemountReadonly => [Str("destination")],
        InitOpKind.RootReadonly => [],
        InitOpKind.RootfsPropagation => [U64("flags")],
        InitOpKind.Process => [StrList("args"), StrList("env"), Str("cwd"), U32("uid"), U32("gid"), U64List("groups"),
            U32("umask"), U64("bounding"), U64("effective"), U64("permitted"), U64("inheritable"), U64("ambient"),
            U32("last_cap"), U32("no_new_privileges"), U32("terminal"), U32("preserve_fds"),
            U32("has_oom_score_adj"), U32("oom_score_adj"), U32("has_personality"), U64("personality"),
            U32("has_io_priority"), U32("io_priority"), U64List("scheduler"), U32("has_memory_policy"),
            U32("memory_policy_mode"), U64List("memory_policy_nodes"), Str("apparmor_profile"), Str("selinux_label")],
        InitOpKind.Rlimit => [U32("resource"), U64("soft"), U64("hard")],
        InitOpKind.Seccomp => [U32("default_action"), U32("flags"), StrList("architectures"), Str("listener_path"),
            Str("listener_metadata")],
        InitOpKind.SeccompRule => [Str("syscall"), U32("action"), U64List("conditions")],
        InitOpKind.WaitForStart => [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an init plan op"),
    };
}
