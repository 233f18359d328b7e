using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// libc entry points, one file per family (Libc.Fd.cs, Libc.Namespaces.cs, ...),
/// all one partial class. Raw ints live only here; callers get SafeFd and errno.
/// This file: file descriptors (close, read, write, pipe2, poll, openat).
/// </summary>
internal static partial class Libc
{
    // open(2) flags. Most are asm-generic; O_DIRECTORY and O_NOFOLLOW differ on arm64.
    // The ABI test compares them with <fcntl.h> on the build machine.
    internal const int O_RDONLY = 0x0, O_WRONLY = 0x1, O_RDWR = 0x2, O_CREAT = 0x40, O_EXCL = 0x80,
        O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800,
        O_CLOEXEC = 0x80000, O_PATH = 0x200000;

    internal static int O_DIRECTORY { get; } = IsArm64 ? 0x4000 : 0x10000;
    internal static int O_NOFOLLOW { get; } = IsArm64 ? 0x8000 : 0x20000;

    // AT_FDCWD (openat relative to the current directory); Libc.Files.cs names it publicly.
    private const int CurrentDirectoryFd = -100;

    internal const short POLLIN = 0x1, POLLHUP = 0x10;

    private static bool IsArm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>openat(2) through a fixed-arity C wrapper (glibc's is variadic); returns fd or -errno.</summary>
    [LibraryImport("libhutchnative", EntryPoint = "hutch_openat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int hutch_openat_fd(int dirfd, string path, int flags, uint mode);

    /// <summary>The errno of the last P/Invoke marked SetLastError.</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>Opens <paramref name="path"/> (relative to <paramref name="dir"/>, or the cwd when null), always O_CLOEXEC. Returns 0 or -errno.</summary>
    internal static int OpenAt(SafeFd? dir, string path, int flags, uint mode, out SafeFd fd)
    {
        var added = false;
        try
        {
            dir?.DangerousAddRef(ref added);
            var rc = hutch_openat_fd(dir?.Fd ?? CurrentDirectoryFd, path, flags | O_CLOEXEC, mode);
            fd = rc >= 0 ? new SafeFd(rc) : new SafeFd();
            return rc < 0 ? rc : 0;
        }
        finally
        {
            if (added)
            {
                dir!.DangerousRelease();
            }
        }
    }

    /// <summary>A close-on-exec pipe. Returns 0 or -errno.</summary>
    internal static unsafe int Pipe(out SafeFd readEnd, out SafeFd writeEnd)
    {
        var fds = stackalloc int[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
        {
            readEnd = new SafeFd();
            writeEnd = new SafeFd();
            return -LastErrno;
        }
        readEnd = new SafeFd(fds[0]);
        writeEnd = new SafeFd(fds[1]);
        return 0;
    }

    /// <summary>read(2), EINTR retried. Returns the byte count (0 at EOF) or -errno.</summary>
    internal static unsafe int Read(SafeFd fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = read(fd.Fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                var errno = LastErrno;
                if (errno != Errno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }

    /// <summary>write(2), EINTR retried. Returns the byte count or -errno.</summary>
    internal static unsafe int Write(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = write(fd.Fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                var errno = LastErrno;
                if (errno != Errno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }

    /// <summary>fdatasync(2): the file's data (and what is needed to read it back) on the device. Returns 0 or -errno.</summary>
    internal static int DataSync(SafeFd fd)
    {
        var rc = fdatasync(fd.Fd);
        GC.KeepAlive(fd);
        return rc == 0 ? 0 : -LastErrno;
    }

    /// <summary>
    /// Waits until <paramref name="fd"/> is readable (or hung up) or the timeout passes
    /// (negative: forever). EINTR retried with the remaining time. Returns 1 when ready,
    /// 0 on timeout, or -errno.
    /// </summary>
    internal static unsafe int PollReadable(SafeFd fd, int timeoutMs)
    {
        var deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var entry = new PollFd { Fd = fd.Fd, Events = POLLIN };
            var rc = poll(&entry, 1, timeoutMs);
            if (rc >= 0)
            {
                return rc;
            }
            var errno = LastErrno;
            if (errno != Errno.EINTR)
            {
                return -errno;
            }
            if (timeoutMs >= 0)
            {
                timeoutMs = (int)Math.Max(0, deadline - Environment.TickCount64);
            }
        }
    }
}
