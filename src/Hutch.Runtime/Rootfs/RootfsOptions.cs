using Hutch.Linux.Interop;

namespace Hutch.Runtime.Rootfs;

/// <summary>How the init builds the root filesystem (from the command line and the namespaces).</summary>
internal sealed class RootfsOptions
{
    /// <summary>--no-pivot: move the rootfs onto / and chroot instead of pivot_root (for a ramfs root).</summary>
    public bool NoPivot { get; init; }

    /// <summary>The bundle directory: root.path and relative bind sources are relative to it.</summary>
    public string? Bundle { get; init; }

    /// <summary>
    /// Device nodes cannot be created (a user namespace): bind-mount the host's nodes instead of
    /// mknod. When false, mknod is tried first and EPERM still falls back to the bind.
    /// </summary>
    public bool BindDevices { get; init; }

    /// <summary>
    /// For an id-mapped bind mount: given mounts[i]'s index and an O_PATH fd of its source,
    /// returns a detached clone of the source (open_tree) with the mount's id mapping set
    /// (MOUNT_ATTR_IDMAP), which the builder attaches. In the init, the create parent does it
    /// (InitIdMapRequest): the init lacks the host's CAP_SYS_ADMIN. Null: id-mapped mounts fail.
    /// </summary>
    public Func<int, SafeFd, SafeFd>? IdMappedTree { get; init; }
}
