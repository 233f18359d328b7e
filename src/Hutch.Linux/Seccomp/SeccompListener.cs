using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Seccomp;

/// <summary>
/// The seccomp agent's socket (linux.seccomp.listenerPath): an AF_UNIX stream connection that
/// receives the notify fd and the container process state, once, then is closed. The path is
/// in the runtime's mount namespace, so the init connects before pivot_root and keeps the fd.
/// </summary>
internal static class SeccompListener
{
    /// <summary>Connects to <paramref name="path"/>; throws <see cref="SeccompException"/> naming it.</summary>
    public static unsafe SafeFd Connect(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length == 0 || bytes.Length > 107)
        {
            throw new SeccompException($"seccomp listener {path}: a socket path must be 1 to 107 bytes long (it is {bytes.Length})");
        }
        var raw = Libc.socket(Libc.ListenerSocketFamily, Libc.ListenerSocketType | Libc.SOCK_CLOEXEC, 0);
        if (raw < 0)
        {
            throw new SeccompException($"seccomp listener {path}: socket: {Errno.Describe(Libc.LastErrno)}", Libc.LastErrno);
        }
        var fd = new SafeFd(raw);
        var address = new Libc.ListenerSockAddr { Family = (ushort)Libc.ListenerSocketFamily };
        bytes.CopyTo(new Span<byte>(address.Path, 108));
        int rc;
        do
        {
            rc = Libc.listener_connect(raw, &address, (uint)(2 + bytes.Length + 1));
        }
        while (rc < 0 && Libc.LastErrno == Errno.EINTR);
        if (rc < 0)
        {
            var errno = Libc.LastErrno;
            fd.Dispose();
            throw new SeccompException($"seccomp listener {path}: connect: {Errno.Describe(errno)} (is the seccomp agent listening there?)", errno);
        }
        return fd;
    }
}
