using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Terminals and fd passing: the pty ioctls (native/terminal.c, -errno returns), termios
/// (tcgetattr/tcsetattr, fixed-arity glibc), sessions and dup3, and the AF_UNIX calls the
/// console socket needs (socketpair, connect, sendmsg, recvmsg). Entry names carry a
/// terminal_ prefix so they never clash with another family's binding of the same call.
/// Constants live in <see cref="TerminalConstants"/>; the ABI test checks them and the
/// struct layouts against native/terminal.c's table.
/// </summary>
internal static partial class Libc
{
    /// <summary>Constants of termios, sockets and SCM_RIGHTS (identical on x86-64 and arm64).</summary>
    internal static class TerminalConstants
    {
        // termios c_iflag
        public const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80,
            ICRNL = 0x100, IXON = 0x400;

        // c_oflag
        public const uint OPOST = 0x1, ONLCR = 0x4;

        // c_cflag
        public const uint CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100;

        // c_lflag
        public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;

        // c_cc indices and the array's size (glibc)
        public const int VTIME = 5, VMIN = 6, NCCS = 32;

        // tcsetattr actions
        public const int TCSANOW = 0, TCSADRAIN = 1, TCSAFLUSH = 2;

        public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
        public const int SOL_SOCKET = 1, SCM_RIGHTS = 1;
        public const int MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;

        /// <summary>sizeof(sockaddr_un.sun_path): a socket path has at most 107 bytes plus NUL.</summary>
        public const int SunPathLength = 108;

        public const int EPROTOTYPE = 91;

        /// <summary>statfs f_type of devpts.</summary>
        public const long DEVPTS_SUPER_MAGIC = 0x1cd1;

        /// <summary>The ptmx character device (Documentation/admin-guide/devices.txt: 5,2).</summary>
        public const uint PtmxMajor = 5, PtmxMinor = 2;

        /// <summary>UNIX98 pty peers (slaves) have majors 136 to 143.</summary>
        public const uint PtyPeerMajorFirst = 136, PtyPeerMajorLast = 143;
    }

    /// <summary>glibc's struct termios (what tcgetattr fills; not the kernel's struct).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Termios
    {
        public uint InputFlags;
        public uint OutputFlags;
        public uint ControlFlags;
        public uint LocalFlags;
        public byte Line;
        public fixed byte ControlChars[TerminalConstants.NCCS];
        public uint InputSpeed;
        public uint OutputSpeed;
    }

    /// <summary>struct winsize, as native/terminal.h spells it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchWinsize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixel;
        public ushort YPixel;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr (64-bit: cmsg_len is size_t); the data follows, 8-byte aligned.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>struct sockaddr_un.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SockAddrUnix
    {
        public ushort Family;
        public fixed byte Path[TerminalConstants.SunPathLength];
    }

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_pty_unlock(int master);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_pty_number(int master, out uint number);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_pty_open_peer(int master, int flags);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_tty_set_controlling(int fd, int steal);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_tty_get_winsize(int fd, out HutchWinsize size);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_tty_set_winsize(int fd, in HutchWinsize size);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_fd_fs_magic(int fd, out long magic);

    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_terminal_abi(byte** names, long* values, int capacity);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int terminal_tcgetattr(int fd, out Termios termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int terminal_tcsetattr(int fd, int action, in Termios termios);

    [LibraryImport("libc", EntryPoint = "isatty", SetLastError = true)]
    internal static partial int terminal_isatty(int fd);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    internal static partial int terminal_setsid();

    [LibraryImport("libc", EntryPoint = "getsid", SetLastError = true)]
    internal static partial int terminal_getsid(int pid);

    [LibraryImport("libc", EntryPoint = "dup3", SetLastError = true)]
    internal static partial int terminal_dup3(int oldFd, int newFd, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    internal static partial int terminal_fchown(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    internal static unsafe partial int terminal_socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int terminal_socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int terminal_connect(int fd, SockAddrUnix* address, uint length);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint terminal_sendmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint terminal_recvmsg(int fd, MsgHdr* message, int flags);

    /// <summary>CMSG_ALIGN: control data is aligned to sizeof(size_t).</summary>
    internal static int TerminalCmsgAlign(int length) => (length + IntPtr.Size - 1) & ~(IntPtr.Size - 1);

    /// <summary>CMSG_LEN(n): header plus n bytes of data.</summary>
    internal static unsafe int TerminalCmsgLength(int dataLength) => TerminalCmsgAlign(sizeof(CmsgHdr)) + dataLength;

    /// <summary>CMSG_SPACE(n): what one control message with n data bytes occupies.</summary>
    internal static unsafe int TerminalCmsgSpace(int dataLength) => TerminalCmsgAlign(sizeof(CmsgHdr)) + TerminalCmsgAlign(dataLength);

    /// <summary>A close-on-exec AF_UNIX socket pair of <paramref name="type"/>. Returns 0 or -errno.</summary>
    internal static unsafe int UnixSocketPair(int type, out SafeFd first, out SafeFd second)
    {
        var fds = stackalloc int[2];
        if (terminal_socketpair(TerminalConstants.AF_UNIX, type | TerminalConstants.SOCK_CLOEXEC, 0, fds) < 0)
        {
            first = new SafeFd();
            second = new SafeFd();
            return -LastErrno;
        }
        first = new SafeFd(fds[0]);
        second = new SafeFd(fds[1]);
        return 0;
    }

    /// <summary>
    /// sendmsg(2) of <paramref name="data"/> with exactly one fd as SCM_RIGHTS, EINTR
    /// retried, MSG_NOSIGNAL (a closed peer is EPIPE, not SIGPIPE). Returns bytes sent or -errno.
    /// </summary>
    internal static unsafe nint SendWithFd(SafeFd socket, ReadOnlySpan<byte> data, SafeFd fd)
    {
        var space = TerminalCmsgSpace(sizeof(int));
        var control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        var header = (CmsgHdr*)control;
        header->Length = (nuint)TerminalCmsgLength(sizeof(int));
        header->Level = TerminalConstants.SOL_SOCKET;
        header->Type = TerminalConstants.SCM_RIGHTS;
        var addedSocket = false;
        var addedFd = false;
        try
        {
            socket.DangerousAddRef(ref addedSocket);
            fd.DangerousAddRef(ref addedFd);
            *(int*)(control + TerminalCmsgAlign(sizeof(CmsgHdr))) = fd.Fd;
            fixed (byte* p = data)
            {
                var iov = new IoVec { Base = p, Length = (nuint)data.Length };
                var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)space };
                while (true)
                {
                    var n = terminal_sendmsg(socket.Fd, &message, TerminalConstants.MSG_NOSIGNAL);
                    if (n >= 0)
                    {
                        return n;
                    }
                    var errno = LastErrno;
                    if (errno != Errno.EINTR)
                    {
                        return -errno;
                    }
                }
            }
        }
        finally
        {
            if (addedFd)
            {
                fd.DangerousRelease();
            }
            if (addedSocket)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// recvmsg(2) into <paramref name="data"/> with MSG_CMSG_CLOEXEC, EINTR retried. Every fd
    /// that arrived in SCM_RIGHTS is added to <paramref name="fds"/> (already owned: the caller
    /// closes the ones it does not want). <paramref name="truncated"/>: MSG_CTRUNC was set (the
    /// kernel dropped fds that did not fit). Returns bytes received (0 at EOF) or -errno.
    /// </summary>
    internal static unsafe nint ReceiveWithFds(SafeFd socket, Span<byte> data, List<SafeFd> fds, out bool truncated)
    {
        // Room for 16 fds: a sender that passes several gets them all closed, not leaked.
        const int ControlSize = 256;
        var control = stackalloc byte[ControlSize];
        new Span<byte>(control, ControlSize).Clear();
        truncated = false;
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* p = data)
            {
                var iov = new IoVec { Base = p, Length = (nuint)data.Length };
                var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
                nint n;
                while (true)
                {
                    n = terminal_recvmsg(socket.Fd, &message, TerminalConstants.MSG_CMSG_CLOEXEC);
                    if (n >= 0)
                    {
                        break;
                    }
                    var errno = LastErrno;
                    if (errno != Errno.EINTR)
                    {
                        return -errno;
                    }
                    message.ControlLength = ControlSize;
                }
                truncated = (message.Flags & TerminalConstants.MSG_CTRUNC) != 0;
                CollectRights(control, (int)message.ControlLength, fds);
                return n;
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Walks the control messages (CMSG_FIRSTHDR/CMSG_NXTHDR) and takes every SCM_RIGHTS fd.</summary>
    private static unsafe void CollectRights(byte* control, int length, List<SafeFd> fds)
    {
        var headerSize = TerminalCmsgAlign(sizeof(CmsgHdr));
        var offset = 0;
        while (offset + sizeof(CmsgHdr) <= length)
        {
            var header = (CmsgHdr*)(control + offset);
            var cmsgLength = (int)header->Length;
            if (cmsgLength < headerSize || offset + cmsgLength > length)
            {
                break;
            }
            if (header->Level == TerminalConstants.SOL_SOCKET && header->Type == TerminalConstants.SCM_RIGHTS)
            {
                var count = (cmsgLength - headerSize) / sizeof(int);
                var first = (int*)(control + offset + headerSize);
                for (var i = 0; i < count; i++)
                {
                    fds.Add(new SafeFd(first[i]));
                }
            }
            offset += TerminalCmsgAlign(cmsgLength);
        }
    }

    /// <summary>
    /// connect(2) of <paramref name="socket"/> to the AF_UNIX socket at <paramref name="path"/>
    /// (at most 107 bytes: callers shorten longer paths through /proc/self/fd). EINTR: the
    /// connection proceeds asynchronously, so it is not retried (POSIX). Returns 0 or -errno.
    /// </summary>
    internal static unsafe int ConnectUnix(SafeFd socket, ReadOnlySpan<byte> path)
    {
        if (path.Length >= TerminalConstants.SunPathLength)
        {
            return -Errno.ENAMETOOLONG;
        }
        var address = new SockAddrUnix { Family = TerminalConstants.AF_UNIX };
        path.CopyTo(new Span<byte>(address.Path, TerminalConstants.SunPathLength));
        var length = (uint)(sizeof(ushort) + path.Length + 1);
        var rc = terminal_connect(socket.Fd, &address, length);
        GC.KeepAlive(socket);
        return rc < 0 ? -LastErrno : 0;
    }
}
