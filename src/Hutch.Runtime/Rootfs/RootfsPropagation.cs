using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;

namespace Hutch.Runtime.Rootfs;

/// <summary>linux.rootfsPropagation: how the container's / propagates (config-linux.md "Rootfs Mount Propagation").</summary>
internal static class RootfsPropagation
{
    /// <summary>The mount(2) flags for the value; runc's default (absent) is rslave.</summary>
    public static MountFlags Parse(string? value) => value switch
    {
        null or "" => MountFlags.Slave | MountFlags.Recursive,
        "private" => MountFlags.Private,
        "rprivate" => MountFlags.Private | MountFlags.Recursive,
        "slave" => MountFlags.Slave,
        "rslave" => MountFlags.Slave | MountFlags.Recursive,
        "shared" => MountFlags.Shared,
        "rshared" => MountFlags.Shared | MountFlags.Recursive,
        "unbindable" => MountFlags.Unbindable,
        "runbindable" => MountFlags.Unbindable | MountFlags.Recursive,
        _ => throw new MountException(
            $"linux.rootfsPropagation: \"{value}\" is not a propagation type (use private, rprivate, slave, rslave, shared, rshared, unbindable or runbindable)"),
    };

    /// <summary>
    /// The propagation of the rootfs's parent mount before the rootfs is bind-mounted onto itself:
    /// slave when <paramref name="propagation"/> is slave (the bind then stays a slave), else private.
    /// pivot_root fails when that mount is shared, and a bind from an unbindable mount fails with
    /// EINVAL (the cause of "unbindable fails create"), so it is never left either way. Only that one
    /// mount, in this namespace (runc does the same).
    /// </summary>
    public static void SetParentPropagation(string rootfs, MountFlags propagation)
    {
        using var fd = RootPath.OpenRoot(rootfs);
        if (PathSyscalls.Fstat(fd, out var st) < 0 || (st.Mask & PathSyscalls.STATX_MNT_ID) == 0)
        {
            return;
        }
        var parent = MountInfo.Read().FirstOrDefault(e => (ulong)e.Id == st.MountId);
        if (parent is null)
        {
            return;
        }
        var flags = (propagation & MountFlags.Slave) != 0 ? MountFlags.Slave : MountFlags.Private;
        // Propagation changes only apply to a mount's root: name the parent by its mount point.
        Mounter.MountPath(null, parent.MountPoint, null, flags, null,
            flags == MountFlags.Slave ? "make slave the parent mount of the rootfs," : "make private the parent mount of the rootfs,");
    }

    /// <summary>
    /// The propagation of the namespace's / before anything is mounted: the value itself, except
    /// unbindable: every bind from an unbindable mount fails with EINVAL, and the config's binds
    /// (cgroups, the rootfs itself) come after; rslave until pivot_root keeps the host safe.
    /// </summary>
    public static MountFlags BeforePivot(MountFlags propagation) =>
        (propagation & MountFlags.Unbindable) != 0 ? MountFlags.Slave | MountFlags.Recursive : propagation;

    /// <summary>
    /// Shared and unbindable are the rootfs's own propagation: set on the new / after pivot_root
    /// and the binds that follow it (before, the rootfs is a fresh bind, which must be private or
    /// slave to pivot), as crun does and runc since 1.2. Private and slave were set before the
    /// bind and carried over.
    /// </summary>
    public static bool AppliesAfterPivot(MountFlags propagation) =>
        (propagation & (MountFlags.Shared | MountFlags.Unbindable)) != 0;
}
