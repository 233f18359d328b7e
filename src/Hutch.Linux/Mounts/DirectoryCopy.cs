using System.IO.Enumeration;
using Hutch.Linux.Interop;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Linux.Mounts;

/// <summary>
/// The copy of tmpcopyup: everything under one directory recreated under another, both given
/// as open directory fds (the shadowed directory and the root of a new, still detached tmpfs).
/// Regular files (contents), directories, symlinks, device nodes, fifos and sockets; hard links
/// stay hard links; owner, mode (setuid, setgid, sticky included), access and modification
/// times, and the extended attributes the destination accepts (security.capability, POSIX ACLs,
/// user.*). Nothing is followed: every entry is opened with O_NOFOLLOW relative to its parent.
/// </summary>
internal sealed class DirectoryCopy
{
    private const int BufferSize = 128 * 1024;
    private const uint PermissionBits = 0xFFF; // 07777

    // Entry names as they are, dot-files included, errors reported rather than skipped.
    private static readonly EnumerationOptions Everything = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly SafeFd _destinationRoot;
    private readonly string _name;
    // The first copy of each multiply linked source file, as a path under the destination root.
    private readonly Dictionary<(uint Major, uint Minor, ulong Inode), string> _linked = [];
    private readonly byte[] _buffer = new byte[BufferSize];

    private DirectoryCopy(SafeFd destinationRoot, string name)
    {
        _destinationRoot = destinationRoot;
        _name = name.TrimEnd('/');
    }

    /// <summary>
    /// Copies what is in <paramref name="source"/> into <paramref name="destination"/> (both opened
    /// O_RDONLY|O_DIRECTORY); <paramref name="name"/> is the container path, for messages.
    /// </summary>
    public static void CopyContents(SafeFd source, SafeFd destination, string name) =>
        new DirectoryCopy(destination, name).CopyDirectory(source, destination, "");

    /// <summary>
    /// Gives <paramref name="destination"/> the attributes of <paramref name="source"/> (both open
    /// directories): owner and mode unless the mount options chose them, then the xattrs.
    /// </summary>
    public static void CopyDirectoryAttributes(SafeFd source, SafeFd destination, string name, bool owner, bool mode)
    {
        var copy = new DirectoryCopy(destination, name);
        var rc = Fstat(source, out var st);
        if (rc < 0)
        {
            throw copy.Error("stat", "", -rc);
        }
        copy.CopyAttributes(source, destination, st, "", owner, mode);
    }

    /// <summary>Sets the times of a directory once everything inside it was written.</summary>
    public static void CopyTimes(SafeFd source, SafeFd destination, string name)
    {
        var copy = new DirectoryCopy(destination, name);
        var rc = Fstat(source, out var st);
        if (rc < 0)
        {
            throw copy.Error("stat", "", -rc);
        }
        copy.SetTimes(destination, null, st, "", 0);
    }

    private void CopyDirectory(SafeFd source, SafeFd destination, string relative)
    {
        foreach (var entry in List(source, relative))
        {
            var path = relative.Length == 0 ? entry : relative + "/" + entry;
            var rc = StatAt(source, entry, out var st);
            if (rc < 0)
            {
                throw Error("stat", path, -rc);
            }
            switch (st.Type)
            {
                case S_IFDIR:
                    CopySubdirectory(source, destination, entry, path, st);
                    break;
                case S_IFREG:
                    CopyFile(source, destination, entry, path, st);
                    break;
                case S_IFLNK:
                    CopySymlink(source, destination, entry, path, st);
                    break;
                case S_IFCHR or S_IFBLK or S_IFIFO or S_IFSOCK:
                    CopyNode(destination, entry, path, st);
                    break;
                default:
                    throw Error("copy", path, Errno.EINVAL, $"unknown file type {st.Type:x}");
            }
        }
    }

    private void CopySubdirectory(SafeFd source, SafeFd destination, string entry, string path, Statx st)
    {
        Check(MkdirAt(destination, entry, 0x1C0 /* 0700 until its own mode is set */), "create directory", path);
        using var from = OpenEntry(source, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, path);
        using var to = OpenEntry(destination, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, path);
        CopyDirectory(from, to, path);
        CopyAttributes(from, to, st, path, owner: true, mode: true);
        SetTimes(to, null, st, path, 0);
    }

    private void CopyFile(SafeFd source, SafeFd destination, string entry, string path, Statx st)
    {
        var inode = (st.DevMajor, st.DevMinor, st.Ino);
        if (st.Nlink > 1 && _linked.TryGetValue(inode, out var first))
        {
            if (Libc.linkat(_destinationRoot.Fd, first, destination.Fd, entry, 0) < 0)
            {
                throw Error("hard link", path, Libc.LastErrno, $"to {_name}/{first}");
            }
            GC.KeepAlive(_destinationRoot);
            GC.KeepAlive(destination);
            return;
        }
        using var from = OpenEntry(source, entry, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, path);
        var rc = OpenAt(destination, entry, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0x180 /* 0600 */, out var to);
        using (to)
        {
            Check(rc, "create", path);
            while (true)
            {
                var n = Libc.Read(from, _buffer);
                if (n == 0)
                {
                    break;
                }
                Check(n, "read", path);
                Check(WriteAll(to, _buffer.AsSpan(0, n)), "write", path);
            }
            CopyAttributes(from, to, st, path, owner: true, mode: true);
            SetTimes(to, null, st, path, 0);
        }
        if (st.Nlink > 1)
        {
            _linked[inode] = path;
        }
    }

    private void CopySymlink(SafeFd source, SafeFd destination, string entry, string path, Statx st)
    {
        string target;
        using (var link = OpenEntry(source, entry, O_PATH | O_NOFOLLOW, path))
        {
            Check(ReadLink(link, out target), "read symlink", path);
        }
        Check(SymlinkAt(target, destination, entry), "create symlink", path);
        ChownEntry(destination, entry, st, path);
        SetTimes(destination, entry, st, path, AT_SYMLINK_NOFOLLOW);
    }

    private void CopyNode(SafeFd destination, string entry, string path, Statx st)
    {
        var rc = MknodAt(destination, entry, st.Type | (st.Mode & PermissionBits), st.RdevMajor, st.RdevMinor);
        Check(rc, "create node", path, rc == -Errno.EPERM
            ? "device nodes can only be created by root on the host, not in a user namespace"
            : null);
        ChownEntry(destination, entry, st, path);
        // What was just made is not a symlink: fchmodat may follow nothing.
        Check(ChmodAt(destination, entry, st.Mode & PermissionBits), "chmod", path);
        SetTimes(destination, entry, st, path, AT_SYMLINK_NOFOLLOW);
    }

    /// <summary>Owner, then mode (a chown may clear setuid/setgid), then xattrs (a chown clears security.capability).</summary>
    private void CopyAttributes(SafeFd source, SafeFd destination, Statx st, string path, bool owner, bool mode)
    {
        if (owner && Libc.fchown(destination.Fd, st.Uid, st.Gid) < 0)
        {
            var errno = Libc.LastErrno;
            // EINVAL: the owner has no id in the container's user namespace (shown as the
            // overflow id); the copy keeps the owner that created it, the container's root.
            if (errno != Errno.EINVAL)
            {
                throw Error("chown", path, errno);
            }
        }
        if (mode && Libc.fchmod(destination.Fd, st.Mode & PermissionBits) < 0)
        {
            throw Error("chmod", path, Libc.LastErrno);
        }
        GC.KeepAlive(destination);
        CopyXattrs(source, destination, path);
    }

    private void ChownEntry(SafeFd destination, string entry, Statx st, string path)
    {
        var rc = ChownAt(destination, entry, st.Uid, st.Gid);
        if (rc < 0 && rc != -Errno.EINVAL)
        {
            throw Error("chown", path, -rc);
        }
    }

    private unsafe void CopyXattrs(SafeFd source, SafeFd destination, string path)
    {
        var size = Libc.flistxattr(source.Fd, null, 0);
        if (size < 0)
        {
            var errno = Libc.LastErrno;
            if (errno is Errno.EOPNOTSUPP)
            {
                return; // the source filesystem has no xattrs
            }
            throw Error("list xattrs of", path, errno);
        }
        if (size == 0)
        {
            return;
        }
        var names = new byte[size];
        fixed (byte* p = names)
        {
            size = Libc.flistxattr(source.Fd, p, (nuint)names.Length);
        }
        if (size < 0)
        {
            throw Error("list xattrs of", path, Libc.LastErrno);
        }
        foreach (var name in System.Text.Encoding.UTF8.GetString(names, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = ReadXattr(source, name, path);
            if (value is null)
            {
                continue;
            }
            int rc;
            fixed (byte* v = value)
            {
                rc = Libc.fsetxattr(destination.Fd, name, v, (nuint)value.Length, 0);
            }
            if (rc < 0)
            {
                var errno = Libc.LastErrno;
                // What the new tmpfs cannot hold or this namespace may not set (trusted.* needs
                // CAP_SYS_ADMIN on the host; user.* on tmpfs needs Linux 6.6) is left behind.
                if (errno is not (Errno.EOPNOTSUPP or Errno.EPERM or Errno.EINVAL or Errno.EACCES))
                {
                    throw Error($"set xattr {name} of", path, errno);
                }
            }
        }
        GC.KeepAlive(source);
        GC.KeepAlive(destination);
    }

    private unsafe byte[]? ReadXattr(SafeFd source, string name, string path)
    {
        while (true)
        {
            var size = Libc.fgetxattr(source.Fd, name, null, 0);
            if (size < 0)
            {
                var errno = Libc.LastErrno;
                if (errno == Errno.ENODATA)
                {
                    return null; // removed since it was listed
                }
                throw Error($"read xattr {name} of", path, errno);
            }
            var value = new byte[size];
            fixed (byte* v = value)
            {
                size = Libc.fgetxattr(source.Fd, name, v, (nuint)value.Length);
            }
            if (size >= 0)
            {
                return value.AsSpan(0, (int)size).ToArray();
            }
            if (Libc.LastErrno != Errno.ERANGE)
            {
                throw Error($"read xattr {name} of", path, Libc.LastErrno);
            }
            // ERANGE: it grew between the two calls; ask again.
        }
    }

    private unsafe void SetTimes(SafeFd dir, string? entry, Statx st, string path, int flags)
    {
        var times = stackalloc Libc.Timespec[2];
        times[0] = new Libc.Timespec { Seconds = st.AtimeSeconds, Nanoseconds = st.AtimeNanoseconds };
        times[1] = new Libc.Timespec { Seconds = st.MtimeSeconds, Nanoseconds = st.MtimeNanoseconds };
        // No entry: the times of the fd itself.
        var rc = entry is null ? Libc.futimens(dir.Fd, times) : Libc.utimensat(dir.Fd, entry, times, flags);
        if (rc < 0)
        {
            throw Error("set times of", path, Libc.LastErrno);
        }
        GC.KeepAlive(dir);
    }

    private IEnumerable<string> List(SafeFd directory, string path)
    {
        try
        {
            // The fd's magic link names the very directory the fd is open on.
            return [.. new FileSystemEnumerable<string>(Paths.RootPath.ProcFdPath(directory),
                (ref FileSystemEntry e) => e.FileName.ToString(), Everything)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MountException($"tmpcopyup: list {Describe(path)}: {e.Message}", e);
        }
        finally
        {
            GC.KeepAlive(directory);
        }
    }

    private SafeFd OpenEntry(SafeFd dir, string entry, int flags, string path)
    {
        var rc = OpenAt(dir, entry, flags, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw Error("open", path, -rc);
        }
        return fd;
    }

    private void Check(int rc, string operation, string path, string? hint = null)
    {
        if (rc < 0)
        {
            throw Error(operation, path, -rc, hint);
        }
    }

    private MountException Error(string operation, string path, int errno, string? hint = null) =>
        new("tmpcopyup: " + operation, null, Describe(path), errno, hint);

    private string Describe(string path) => path.Length == 0 ? _name : _name + "/" + path;
}
