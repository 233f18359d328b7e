namespace Hutch.Runtime.InitPlans;

/// <summary>
/// The operations of an init plan (DESIGN.md section 3, step 2), in the binary encoding as their
/// u16 code. <see cref="InitOpSchema"/> gives each one's fields; docs/design/init-plan.md
/// describes what the executor does for each. A code is never reused for another meaning.
/// </summary>
internal enum InitOpKind : ushort
{
    /// <summary>The namespaces the init is born in (clone flags) and whether it then unshares its cgroup namespace.</summary>
    Namespaces = 1,
    /// <summary>A namespace joined before the others are created (setns of the file at path).</summary>
    JoinNamespace = 2,
    /// <summary>A new session keyring named after the container (not with --no-new-keyring).</summary>
    SessionKeyring = 3,
    /// <summary>mount(NULL, "/", NULL, flags): the propagation of the whole tree before anything is mounted.</summary>
    RootPropagation = 4,
    /// <summary>The mount that holds the rootfs made slave or private (found by the rootfs's mount id).</summary>
    RootfsParentPropagation = 5,
    /// <summary>The rootfs bind-mounted (recursively) onto itself: a mount point for pivot_root.</summary>
    BindRootfs = 6,
    /// <summary>A filesystem mounted at a destination inside the rootfs (created as a directory).</summary>
    Mount = 7,
    /// <summary>A cgroup or cgroup2 filesystem (the container's own cgroups, as the host's hierarchies hold them).</summary>
    CgroupMount = 8,
    /// <summary>A host path bound at a destination inside the rootfs.</summary>
    BindMount = 9,
    /// <summary>mount_setattr and propagation changes on a mount just made.</summary>
    MountSetAttr = 10,
    /// <summary>A device node (mknod; with bind_from_host or EPERM, a bind of the host's node).</summary>
    DeviceNode = 11,
    /// <summary>A directory inside the rootfs.</summary>
    MakeDirectory = 12,
    /// <summary>A symlink inside the rootfs (EEXIST is not an error).</summary>
    Symlink = 13,
    /// <summary>A detached procfs opened for sysctl, while the host's /proc is visible.</summary>
    OpenPrivateProc = 14,
    /// <summary>The init stops; the parent runs the named hooks (prestart, createRuntime) then the init runs createContainer.</summary>
    HookPoint = 15,
    /// <summary>pivot_root into the rootfs, the old root made rslave and detached.</summary>
    PivotRoot = 16,
    /// <summary>--no-pivot: the rootfs moved onto / and chroot.</summary>
    MoveRootAndChroot = 17,
    /// <summary>No mount namespace: chroot into the rootfs, nothing mounted.</summary>
    Chroot = 18,
    /// <summary>A pty created in the container's devpts, its master sent to the console socket.</summary>
    Console = 19,
    Hostname = 20,
    Domainname = 21,
    /// <summary>A sysctl written through the private procfs.</summary>
    Sysctl = 22,
    ReadonlyPath = 23,
    MaskedPath = 24,
    /// <summary>A tmpfs mounted read-write (so it could be populated) made read-only.</summary>
    RemountReadonly = 25,
    /// <summary>root.readonly: the new / made read-only.</summary>
    RootReadonly = 26,
    /// <summary>A shared or unbindable linux.rootfsPropagation, applied to the new / last.</summary>
    RootfsPropagation = 27,
    /// <summary>The container process: ids, capabilities, cwd, argv, env and the rest of its set-up.</summary>
    Process = 28,
    /// <summary>One process.rlimits entry.</summary>
    Rlimit = 29,
    /// <summary>The seccomp filter's header; its rules follow as SeccompRule ops.</summary>
    Seccomp = 30,
    SeccompRule = 31,
    /// <summary>The init reports ready and waits on the exec fifo; then startContainer hooks and the exec.</summary>
    WaitForStart = 32,
}
