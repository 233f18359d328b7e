using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// linux.readonlyPaths and linux.maskedPaths, after pivot_root. Both mount by fd with the new
/// mount API (open_tree, fsmount, move_mount), so they need no /proc in the container.
/// A path that does not exist is skipped (the spec's and runc's behaviour).
/// </summary>
internal sealed class ProtectedPaths(SafeFd root)
{
    /// <summary>
    /// Binds the path onto itself, recursively, and makes that tree read-only. mount_setattr
    /// only adds MOUNT_ATTR_RDONLY: nosuid, nodev, noexec of the source stay as they were.
    /// </summary>
    public void MakeReadonly(string path)
    {
        var clean = RootPath.Clean(path);
        var rc = RootPath.TryOpen(root, clean, O_PATH, out var target);
        using (target)
        {
            if (rc == -Hutch.Linux.Errno.ENOENT)
            {
                return;
            }
            if (rc < 0)
            {
                throw new MountException("make read-only", null, clean, -rc);
            }
            using var tree = Mounter.CloneTree(target, "", recursive: true, clean);
            Mounter.SetAttributes(tree, clean, recursive: true, MountAttr.ReadOnly, MountAttr.None);
            Mounter.Attach(tree, target, clean, clean);
        }
    }

    /// <summary>
    /// The container's /dev/null, opened without following a symlink and checked to be the
    /// character device 1:3. A hostile image could make it a link to, or a file in place of,
    /// something writable; masking with that would expose instead of hide (CVE-2025-31133).
    /// </summary>
    public SafeFd OpenVerifiedDevNull()
    {
        var rc = RootPath.TryOpen(root, "/dev/null", O_PATH | O_NOFOLLOW, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new MountException("mask paths with", null, "/dev/null", -rc, "the container has no /dev/null to mask paths with");
        }
        rc = Fstat(fd, out var st);
        if (rc < 0 || st.Type != S_IFCHR || st.RdevMajor != 1 || st.RdevMinor != 3)
        {
            fd.Dispose();
            throw new MountException("mask paths with", null, "/dev/null", rc < 0 ? -rc : 0,
                "it is not the character device 1:3; refusing to mask paths with it (CVE-2025-31133)");
        }
        return fd;
    }

    /// <summary>A file: the verified /dev/null bound over it. A directory: an empty read-only tmpfs.</summary>
    public void Mask(string path, SafeFd devNull)
    {
        var clean = RootPath.Clean(path);
        var rc = RootPath.TryOpen(root, clean, O_PATH, out var target);
        using (target)
        {
            if (rc == -Hutch.Linux.Errno.ENOENT)
            {
                return;
            }
            if (rc < 0 || (rc = Fstat(target, out var st)) < 0)
            {
                throw new MountException("mask", null, clean, -rc);
            }
            if (st.Type == S_IFDIR)
            {
                using var tmpfs = Mounter.CreateDetached("tmpfs", [], MountAttr.ReadOnly);
                Mounter.Attach(tmpfs, target, "tmpfs", clean);
            }
            else
            {
                using var null_ = Mounter.CloneTree(devNull, "", recursive: false, "/dev/null");
                Mounter.Attach(null_, target, "/dev/null", clean);
            }
        }
    }
}
