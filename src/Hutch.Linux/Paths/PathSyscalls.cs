using System.Runtime.InteropServices;
using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Paths;

/// <summary>
/// The *at file syscalls the in-root resolver and the rootfs builder use. Kept apart from
/// the shared Libc partial class so the resolver's needs (statx fields, readlinkat, mknodat)
/// stay next to it; every wrapper returns 0/fd or -errno, EINTR retried where it can happen.
/// </summary>
internal static partial class PathSyscalls
{
    // open(2) flags; O_DIRECTORY and O_NOFOLLOW differ on arm64, the rest are asm-generic.
    public const int O_RDONLY = 0x0, O_WRONLY = 0x1, O_RDWR = 0x2, O_CREAT = 0x40, O_EXCL = 0x80,
        O_NOCTTY = 0x100, O_TRUNC = 0x200, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, O_PATH = 0x200000;

    public static int O_DIRECTORY { get; } = IsArm64 ? 0x4000 : 0x10000;

    public static int O_NOFOLLOW { get; } = IsArm64 ? 0x8000 : 0x20000;

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;

    // openat2 resolve flags (linux/openat2.h).
    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
        RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;

    // st_mode file types.
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFIFO = 0x1000, S_IFSOCK = 0xC000;

    public const uint STATX_BASIC_STATS = 0x7FF, STATX_MNT_ID = 0x1000;

    private static bool IsArm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>struct statx: the same layout on every architecture (unlike struct stat).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(64)] public long AtimeSeconds;
        [FieldOffset(72)] public uint AtimeNanoseconds;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
        [FieldOffset(144)] public ulong MountId;

        public readonly uint Type => Mode & S_IFMT;
    }

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int hutch_openat(int dfd, string path, int flags, uint mode);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int hutch_openat2(int dfd, string path, ulong flags, ulong mode, ulong resolve);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int hutch_mknodat(int dfd, string path, uint mode, uint major, uint minor);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdirat_raw(int dfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlinkat_raw(string target, int dfd, string path);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint readlinkat_raw(int dfd, string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx_raw(int dfd, string path, int flags, uint mask, out Statx buffer);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fchownat_raw(int dfd, string path, uint uid, uint gid, int flags);

    [LibraryImport("libc", EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fchmodat_raw(int dfd, string path, uint mode, int flags);

    [LibraryImport("libc", EntryPoint = "fchdir", SetLastError = true)]
    private static partial int fchdir_raw(int fd);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir_raw(string path);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint write_raw(int fd, byte* buffer, nuint count);

    /// <summary>openat(2), always O_CLOEXEC. Returns 0 and the fd, or -errno.</summary>
    public static int OpenAt(SafeFd? dir, string path, int flags, uint mode, out SafeFd fd)
    {
        var rc = hutch_openat(dir?.Fd ?? AT_FDCWD, path, flags | O_CLOEXEC, mode);
        fd = rc >= 0 ? new SafeFd(rc) : new SafeFd();
        GC.KeepAlive(dir);
        return rc < 0 ? rc : 0;
    }

    /// <summary>openat2(2), always O_CLOEXEC. Returns 0 and the fd, or -errno (-ENOSYS before Linux 5.6).</summary>
    public static int OpenAt2(SafeFd dir, string path, int flags, ulong resolve, out SafeFd fd)
    {
        var rc = hutch_openat2(dir.Fd, path, (ulong)(uint)(flags | O_CLOEXEC), 0, resolve);
        fd = rc >= 0 ? new SafeFd(rc) : new SafeFd();
        GC.KeepAlive(dir);
        return rc < 0 ? rc : 0;
    }

    public static int MkdirAt(SafeFd dir, string name, uint mode) => Check(mkdirat_raw(dir.Fd, name, mode), dir);

    public static int SymlinkAt(string target, SafeFd dir, string name) => Check(symlinkat_raw(target, dir.Fd, name), dir);

    public static int MknodAt(SafeFd dir, string name, uint mode, uint major, uint minor)
    {
        var rc = hutch_mknodat(dir.Fd, name, mode, major, minor);
        GC.KeepAlive(dir);
        return rc;
    }

    /// <summary>fchownat without following a final symlink.</summary>
    public static int ChownAt(SafeFd dir, string name, uint uid, uint gid) =>
        Check(fchownat_raw(dir.Fd, name, uid, gid, AT_SYMLINK_NOFOLLOW), dir);

    /// <summary>fchmodat (follows a final symlink: only call it on what was just created).</summary>
    public static int ChmodAt(SafeFd dir, string name, uint mode) => Check(fchmodat_raw(dir.Fd, name, mode, 0), dir);

    public static int Fchdir(SafeFd dir) => Check(fchdir_raw(dir.Fd), dir);

    public static int Chdir(string path) => Check(chdir_raw(path), null);

    /// <summary>statx of the fd itself (AT_EMPTY_PATH: works on O_PATH fds).</summary>
    public static int Fstat(SafeFd fd, out Statx st) =>
        Check(statx_raw(fd.Fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID, out st), fd);

    /// <summary>statx of <paramref name="name"/> in <paramref name="dir"/>, not following a final symlink.</summary>
    public static int StatAt(SafeFd dir, string name, out Statx st) =>
        Check(statx_raw(dir.Fd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID, out st), dir);

    /// <summary>The target of the symlink <paramref name="fd"/> is open on (O_PATH|O_NOFOLLOW).</summary>
    public static unsafe int ReadLink(SafeFd fd, out string target)
    {
        var buffer = new byte[4096];
        fixed (byte* p = buffer)
        {
            var n = readlinkat_raw(fd.Fd, "", p, (nuint)buffer.Length);
            GC.KeepAlive(fd);
            if (n < 0)
            {
                target = "";
                return -Libc.LastErrno;
            }
            if (n >= buffer.Length)
            {
                target = "";
                return -Errno.ENAMETOOLONG;
            }
            target = Encoding.UTF8.GetString(buffer, 0, (int)n);
            return 0;
        }
    }

    /// <summary>Writes all of <paramref name="data"/>, EINTR retried. Returns 0 or -errno.</summary>
    public static unsafe int WriteAll(SafeFd fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = write_raw(fd.Fd, p + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    var errno = Libc.LastErrno;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }
                    GC.KeepAlive(fd);
                    return -errno;
                }
                done += (int)n;
            }
        }
        GC.KeepAlive(fd);
        return 0;
    }

    private static int Check(int rc, SafeFd? keepAlive)
    {
        var result = rc < 0 ? -Libc.LastErrno : rc;
        GC.KeepAlive(keepAlive);
        return result;
    }
}
