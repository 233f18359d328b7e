using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>Sockets: just what a netlink client needs (socket, bind, options, send, recv).</summary>
internal static partial class Libc
{
    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000; // == O_CLOEXEC on x86-64 and arm64
    internal const int MSG_PEEK = 0x2;
    internal const int MSG_TRUNC = 0x20;

    /// <summary>struct sockaddr_nl (linux/netlink.h): family, pad, port id, multicast groups.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SockAddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    /// <summary>shutdown(2) `how`: both directions (the peer reads EOF; checkpoint ends criu swrk so).</summary>
    internal const int SHUT_RDWR = 2;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int bind(int fd, SockAddrNetlink* address, uint addressLength);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int getsockname(int fd, SockAddrNetlink* address, uint* addressLength);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int setsockopt(int fd, int level, int name, void* value, uint valueLength);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint recv(int fd, byte* buffer, nuint length, int flags);

    /// <summary>send(2), retried on EINTR. Returns the byte count, or -errno.</summary>
    internal static unsafe nint SendRetryingEintr(int fd, ReadOnlySpan<byte> data, int flags)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                var n = send(fd, p, (nuint)data.Length, flags);
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

    /// <summary>recv(2), retried on EINTR. Returns the byte count (the datagram's full size with MSG_TRUNC), or -errno.</summary>
    internal static unsafe nint ReceiveRetryingEintr(int fd, Span<byte> buffer, int flags)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = recv(fd, p, (nuint)buffer.Length, flags);
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
}
