using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Files and directories: mkdir(2), mkfifo(3), chmod(2), renameat2(2), flock(2), statx(2) and the
/// directory streams of opendir(3), which is how hutch gets an O_CLOEXEC directory fd
/// without the variadic open(2). All fixed-arity glibc entry points.
/// </summary>
internal static partial class Libc
{
    /// <summary>The "current directory" dirfd for the *at calls.</summary>
    internal const int AT_FDCWD = -100;

    /// <summary>renameat2: fail with EEXIST instead of replacing the target.</summary>
    internal const uint RENAME_NOREPLACE = 1;

    internal const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    /// <summary>statx: operate on the dirfd itself (empty path).</summary>
    internal const int AT_EMPTY_PATH = 0x1000;

    internal const int AT_SYMLINK_NOFOLLOW = 0x100;

    /// <summary>statx mask bit for stx_ino (stx_dev_* are always filled).</summary>
    internal const uint STATX_INO = 0x100;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkfifo(string path, uint mode);

    /// <summary>access(2) mode: may the caller execute it (finding a program on PATH).</summary>
    internal const int X_OK = 1;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int access(string path, int mode);

    /// <summary>chmod(2): sets the exact mode (mkdir and mkfifo modes pass through the umask).</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chmod(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int flock(int fd, int operation);

    /// <summary>Returns a DIR* (0 on error); glibc opens it O_RDONLY|O_DIRECTORY|O_CLOEXEC.</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint opendir(string path);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int dirfd(DirStream dir);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int closedir(nint dir);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int statx(int dirFd, string path, int flags, uint mask, out Statx buffer);

    /// <summary>fchown(2) of an open file (not O_PATH).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fchown(int fd, uint uid, uint gid);

    /// <summary>fchmod(2) of an open file (not O_PATH): the exact mode, setuid/setgid/sticky included.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    /// <summary>linkat(2): a hard link; flags 0 (do not follow a final symlink of the old path).</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int linkat(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    /// <summary>utimensat(2): times[0] is the access time, times[1] the modification time.</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int utimensat(int dirFd, string path, Timespec* times, int flags);

    /// <summary>futimens(3): utimensat of the open file itself (glibc refuses a null path to utimensat).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int futimens(int fd, Timespec* times);

    /// <summary>struct timespec (64-bit: seconds and nanoseconds, both long).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// struct statx (linux/stat.h): the same layout on every architecture, which is why
    /// hutch uses it rather than struct stat. Only the identity fields are mapped.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    /// <summary>An owned DIR* from opendir(3); closedir(3) on release.</summary>
    internal sealed class DirStream : SafeHandle
    {
        public DirStream() : base(0, ownsHandle: true) { }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle() => closedir(handle) == 0;
    }

    /// <summary>flock(2), retried on EINTR (a signal handler interrupted a blocking wait).</summary>
    internal static int FlockRestarting(int fd, int operation)
    {
        int result;
        while ((result = flock(fd, operation)) != 0 && LastErrno == Errno.EINTR)
        {
        }
        return result;
    }

    /// <summary>opendir(3) as an owned handle; the handle is invalid on error (errno in LastErrno).</summary>
    internal static DirStream OpenDirectory(string path)
    {
        var stream = new DirStream();
        var dir = opendir(path);
        var errno = LastErrno;
        if (dir != 0)
        {
            Marshal.InitHandle(stream, dir);
        }
        else
        {
            Marshal.SetLastPInvokeError(errno);
        }
        return stream;
    }
}
