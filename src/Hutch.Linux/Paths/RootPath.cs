using Hutch.Linux.Interop;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Linux.Paths;

/// <summary>
/// Container paths resolved inside the rootfs, to fds. The kernel does it with openat2
/// (RESOLVE_IN_ROOT: "/" and ".." stop at the root, absolute symlinks are relative to it;
/// RESOLVE_NO_MAGICLINKS: no /proc/PID/fd jumps); without openat2 (ENOSYS) the
/// <see cref="InRootWalker"/> does the same by hand. Either way, a symlink in the rootfs
/// (rootfs/etc -> /etc) can only lead somewhere inside the rootfs. Mount onto the returned
/// fd (<see cref="ProcFdPath"/> or move_mount with an empty path), never onto a path string.
/// </summary>
internal static class RootPath
{
    private const ulong InRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

    // Set once openat2 reported ENOSYS, so later calls go straight to the walker.
    private static volatile bool s_noOpenat2;

    /// <summary>Opens the rootfs directory itself (a host path), O_PATH|O_DIRECTORY.</summary>
    public static SafeFd OpenRoot(string rootfs)
    {
        var rc = OpenAt(null, rootfs, O_PATH | O_DIRECTORY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new PathException("open rootfs", rootfs, -rc, "root.path must be an existing directory");
        }
        return fd;
    }

    /// <summary>
    /// Opens <paramref name="path"/> inside <paramref name="root"/> with <paramref name="flags"/>
    /// (O_PATH by default; O_CLOEXEC always). Throws PathException (Errno ENOENT when missing).
    /// </summary>
    public static SafeFd Open(SafeFd root, string path, int flags = O_PATH)
    {
        var rc = TryOpen(root, path, flags, out var fd);
        if (rc < 0)
        {
            throw new PathException("open", path, -rc, "resolved inside the container's root");
        }
        return fd;
    }

    /// <summary>Like <see cref="Open"/> but returns -errno instead of throwing.</summary>
    public static int TryOpen(SafeFd root, string path, int flags, out SafeFd fd)
    {
        if (!s_noOpenat2)
        {
            int rc;
            var attempts = 0;
            do
            {
                // EAGAIN: a rename raced with the lookup (the kernel refuses to guess); retry.
                rc = OpenAt2(root, path, flags, InRoot, out fd);
            }
            while (rc == -Errno.EAGAIN && ++attempts < 16);
            if (rc != -Errno.ENOSYS)
            {
                return rc;
            }
            fd.Dispose();
            s_noOpenat2 = true;
        }
        try
        {
            fd = InRootWalker.Walk(root, path, MissingComponent.Fail, finalFlags: flags);
            return 0;
        }
        catch (PathException e)
        {
            fd = new SafeFd();
            return -e.Errno;
        }
    }

    /// <summary>
    /// Makes sure the directory <paramref name="path"/> exists inside the root, creating each
    /// missing component with mkdirat relative to its parent's fd; returns an O_PATH fd on it.
    /// A symlink on the way is followed inside the root (a dangling one gets its target created there).
    /// </summary>
    public static SafeFd MkdirAll(SafeFd root, string path, uint mode = 0x1ED /* 0755 */)
    {
        var rc = TryOpen(root, path, O_PATH | O_DIRECTORY, out var fd);
        if (rc == 0)
        {
            return fd;
        }
        fd.Dispose();
        if (rc != -Errno.ENOENT)
        {
            throw new PathException("create directory", path, -rc, "resolved inside the container's root");
        }
        var dir = InRootWalker.Walk(root, path, MissingComponent.CreateDirectories, directoryMode: mode);
        return CheckType(dir, path, S_IFDIR, Errno.ENOTDIR);
    }

    /// <summary>
    /// Makes sure <paramref name="path"/> exists inside the root, for a bind mount of a file:
    /// missing parents become directories, a missing last component an empty file. An existing
    /// object of any type is returned as it is (the mount reports a type mismatch). O_PATH fd.
    /// </summary>
    public static SafeFd CreateFile(SafeFd root, string path, uint mode = 0x1A4 /* 0644 */)
    {
        var rc = TryOpen(root, path, O_PATH, out var fd);
        if (rc == 0)
        {
            return fd;
        }
        fd.Dispose();
        if (rc != -Errno.ENOENT)
        {
            throw new PathException("create file", path, -rc, "resolved inside the container's root");
        }
        return InRootWalker.Walk(root, path, MissingComponent.CreateFile, fileMode: mode);
    }

    /// <summary>
    /// The magic link that names what <paramref name="fd"/> refers to, for syscalls that only
    /// take a path (mount(2)). The kernel resolves it to the very dentry and mount of the fd.
    /// </summary>
    public static string ProcFdPath(SafeFd fd) => $"/proc/self/fd/{fd.Fd}";

    /// <summary>The container-visible form of a path: absolute and cleaned ("/a/../b" -> "/b").</summary>
    public static string Clean(string path) =>
        // .NET resolves ".", ".." and repeated slashes lexically (no file system access), ".." at
        // the root staying there; only the trailing slash is left to trim.
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, "/"));

    private static SafeFd CheckType(SafeFd fd, string path, uint type, int errno)
    {
        var rc = Fstat(fd, out var st);
        if (rc < 0 || st.Type != type)
        {
            fd.Dispose();
            throw new PathException("create directory", path, rc < 0 ? -rc : errno);
        }
        return fd;
    }
}
