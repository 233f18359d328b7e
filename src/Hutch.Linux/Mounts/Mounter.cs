using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using static Hutch.Linux.Mounts.MountSyscallFlags;

namespace Hutch.Linux.Mounts;

/// <summary>
/// Typed mount syscalls that throw MountException. Targets are fds resolved inside the
/// rootfs (see RootPath); the container path travels along only for the error message.
/// </summary>
internal static class Mounter
{
    /// <summary>mount(2) onto what <paramref name="target"/> refers to (via /proc/self/fd/N).</summary>
    public static void Mount(string? source, SafeFd target, string targetName, string? fsType, MountFlags flags, string? data,
        string operation = "mount")
    {
        MountPath(source, RootPath.ProcFdPath(target), fsType, flags, data, operation, targetName);
        GC.KeepAlive(target);
    }

    /// <summary>mount(2) onto a path string: only for host paths and "/" or "." of the caller's own namespace.</summary>
    public static void MountPath(string? source, string target, string? fsType, MountFlags flags, string? data,
        string operation = "mount", string? targetName = null)
    {
        if (Libc.mount(source, target, fsType, (ulong)flags, string.IsNullOrEmpty(data) ? null : data) < 0)
        {
            var errno = Libc.LastErrno;
            throw new MountException(operation, fsType ?? source, targetName ?? target, errno, HintFor(errno, fsType));
        }
    }

    /// <summary>Changes the propagation of the mount at <paramref name="target"/> (one type, maybe with MS_REC).</summary>
    public static void SetPropagation(SafeFd target, string targetName, MountFlags propagation) =>
        Mount(null, target, targetName, null, propagation, null, "set propagation of");

    public static void Unmount(string target, int flags, string? targetName = null)
    {
        if (Libc.umount2(target, flags) < 0)
        {
            throw new MountException("unmount", null, targetName ?? target, Libc.LastErrno);
        }
    }

    /// <summary>mount_setattr(2) on the mount <paramref name="mount"/> is (or sits in), optionally the whole tree.</summary>
    public static void SetAttributes(SafeFd mount, string targetName, bool recursive, MountAttr set, MountAttr clear,
        MountFlags propagation = MountFlags.None)
    {
        var flags = AtEmptyPath | (recursive ? AtRecursive : 0);
        var rc = Libc.hutch_mount_setattr(mount.Fd, "", flags, (ulong)set, (ulong)clear,
            (ulong)(propagation & MountFlags.PropagationMask), 0);
        GC.KeepAlive(mount);
        if (rc < 0)
        {
            throw new MountException(recursive ? "set recursive mount attributes of" : "set mount attributes of", null,
                targetName, -rc, rc == -Errno.ENOSYS ? "mount_setattr needs Linux 5.12 or later" : null);
        }
    }

    /// <summary>
    /// mount_setattr(2) with MOUNT_ATTR_IDMAP: gives the detached mount <paramref name="tree"/>
    /// (an OPEN_TREE_CLONE copy, never yet attached) the id mapping of the user namespace
    /// <paramref name="userNamespace"/>; with <paramref name="recursive"/> every mount in the tree.
    /// Needs CAP_SYS_ADMIN over the filesystem's owning user namespace (the host's, for a host
    /// filesystem) and a filesystem that supports id-mapped mounts.
    /// </summary>
    public static void MapIds(SafeFd tree, SafeFd userNamespace, bool recursive, string targetName)
    {
        var flags = AtEmptyPath | (recursive ? AtRecursive : 0);
        var rc = Libc.hutch_mount_setattr(tree.Fd, "", flags, (ulong)MountAttr.IdMap, 0, 0, (ulong)userNamespace.Fd);
        GC.KeepAlive(tree);
        GC.KeepAlive(userNamespace);
        if (rc < 0)
        {
            throw new MountException(recursive ? "id-map (ridmap) the mount tree of" : "id-map the bind mount", null, targetName, -rc, -rc switch
            {
                Errno.EINVAL or Errno.EOPNOTSUPP =>
                    "its filesystem type cannot be id-mapped on this kernel, or a mount in it is id-mapped already (on Linux 6.18 " +
                    "ext4 and tmpfs can be, proc, sysfs, overlay, ramfs, devpts, mqueue and cgroup2 cannot): bind a directory " +
                    "of a filesystem that supports it, or remove idmap/ridmap and the mount's mappings",
                Errno.EPERM => "needs CAP_SYS_ADMIN in the user namespace that owns the filesystem (root on the host for a host filesystem)",
                Errno.ENOSYS => "mount_setattr needs Linux 5.12 or later",
                _ => null,
            });
        }
    }

    /// <summary>
    /// open_tree(2) with OPEN_TREE_CLONE: a detached copy of the mount at <paramref name="path"/>
    /// (relative to <paramref name="dir"/>; empty path: the fd itself), with its submounts when recursive.
    /// </summary>
    public static SafeFd CloneTree(SafeFd? dir, string path, bool recursive, string name)
    {
        var flags = OpenTreeClone | OpenTreeCloexec | (recursive ? AtRecursive : 0) | (path.Length == 0 ? AtEmptyPath : 0);
        var rc = Libc.hutch_open_tree(dir?.Fd ?? -100 /* AT_FDCWD */, path, flags);
        GC.KeepAlive(dir);
        if (rc < 0)
        {
            throw new MountException("clone mount tree of", null, name, -rc,
                rc == -Errno.ENOSYS ? "open_tree needs Linux 5.2 or later" : null);
        }
        return new SafeFd(rc);
    }

    /// <summary>move_mount(2): attaches the detached mount <paramref name="mount"/> onto <paramref name="target"/>.</summary>
    public static void Attach(SafeFd mount, SafeFd target, string source, string targetName)
    {
        var rc = Libc.hutch_move_mount(mount.Fd, "", target.Fd, "", MoveMountFromEmptyPath | MoveMountToEmptyPath);
        GC.KeepAlive(mount);
        GC.KeepAlive(target);
        if (rc < 0)
        {
            throw new MountException("attach mount", source, targetName, -rc);
        }
    }

    /// <summary>
    /// A new, detached filesystem instance (fsopen, fsconfig, fsmount): e.g. a private procfs
    /// or a read-only tmpfs. <paramref name="parameters"/> are fsconfig keys, with or without a value.
    /// </summary>
    public static SafeFd CreateDetached(string fsType, IEnumerable<(string Key, string? Value)> parameters, MountAttr attributes)
    {
        var rc = Libc.hutch_fsopen(fsType, FsOpenCloexec);
        if (rc < 0)
        {
            throw new MountException("create filesystem", null, fsType, -rc,
                rc == -Errno.ENOSYS ? "fsopen needs Linux 5.2 or later" : null);
        }
        using var context = new SafeFd(rc);
        foreach (var (key, value) in parameters)
        {
            rc = value is null
                ? Libc.hutch_fsconfig(context.Fd, FsConfigSetFlag, key, null, 0)
                : Libc.hutch_fsconfig(context.Fd, FsConfigSetString, key, value, 0);
            if (rc < 0)
            {
                throw new MountException("configure filesystem", null, $"{fsType} ({key})", -rc);
            }
        }
        rc = Libc.hutch_fsconfig(context.Fd, FsConfigCmdCreate, null, null, 0);
        if (rc < 0)
        {
            throw new MountException("create filesystem", null, fsType, -rc);
        }
        rc = Libc.hutch_fsmount(context.Fd, FsMountCloexec, (uint)attributes);
        if (rc < 0)
        {
            throw new MountException("mount filesystem", null, fsType, -rc);
        }
        return new SafeFd(rc);
    }

    public static void PivotRoot(string newRoot, string putOld)
    {
        var rc = Libc.hutch_pivot_root(newRoot, putOld);
        if (rc < 0)
        {
            throw new MountException("pivot_root", null, newRoot, -rc,
                rc == -Errno.EINVAL ? "the new root must be a mount point whose parent mount is not shared; use --no-pivot on a ramfs root" : null);
        }
    }

    public static void Chroot(string path)
    {
        if (Libc.chroot(path) < 0)
        {
            throw new MountException("chroot", null, path, Libc.LastErrno);
        }
    }

    private static string? HintFor(int errno, string? fsType) => errno switch
    {
        Errno.EPERM or Errno.EACCES when fsType is "proc" or "sysfs" =>
            "a new proc or sysfs needs its pid or network namespace and, in a user namespace, a fully visible one on the host",
        Errno.EPERM => "needs CAP_SYS_ADMIN in the user namespace that owns the mount namespace",
        Errno.ENODEV => $"the kernel does not know the filesystem type \"{fsType}\"",
        Errno.ENOENT => "the source or the target does not exist",
        Errno.ENOTDIR => "a directory cannot be bind-mounted onto a file, nor a file onto a directory",
        _ => null,
    };
}
