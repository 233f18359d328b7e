using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;

namespace Hutch.Runtime.Rootfs;

/// <summary>linux.rootfsPropagation: how / propagates, set before anything is mounted.</summary>
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
    /// pivot_root fails when the rootfs's parent mount is shared: make that mount private (only
    /// that one, in this namespace), as runc does.
    /// </summary>
    public static void MakeParentPrivate(string rootfs)
    {
        using var fd = RootPath.OpenRoot(rootfs);
        if (PathSyscalls.Fstat(fd, out var st) < 0 || (st.Mask & PathSyscalls.STATX_MNT_ID) == 0)
        {
            return;
        }
        var parent = MountInfo.Read().FirstOrDefault(e => (ulong)e.Id == st.MountId);
        if (parent is not null && parent.HasPropagation("shared"))
        {
            // Propagation changes only apply to a mount's root: name the parent by its mount point.
            Mounter.MountPath(null, parent.MountPoint, null, MountFlags.Private, null, "make private the parent mount of the rootfs,");
        }
    }
}
