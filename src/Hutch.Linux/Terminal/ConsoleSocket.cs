using System.Globalization;
using System.Text;
using Hutch.Linux.Interop;
using static Hutch.Linux.Interop.Libc.TerminalConstants;

namespace Hutch.Linux.Terminal;

/// <summary>
/// Passing a pty master over an AF_UNIX socket the way runc does (libcontainer/utils
/// SendFile/RecvFile): one sendmsg carrying exactly one fd in one SCM_RIGHTS message, with
/// the fd's name ("/dev/ptmx") as the data bytes. containerd (go-runc), podman's conmon and
/// CRI-O's console sockets accept exactly this; the name is informational.
/// </summary>
internal static class ConsoleSocket
{
    /// <summary>runc's MaxNameLen: a longer name is refused; a received name is shorter.</summary>
    public const int MaxNameLength = 4096;

    /// <summary>
    /// A connected pair of close-on-exec stream sockets, for `run` in the foreground: the
    /// runtime keeps <c>Runtime</c> and receives on it; the init gets <c>Init</c> as its
    /// console socket and sends the master there. Close the runtime's copy of <c>Init</c>
    /// after the spawn, so a dead init shows as EOF instead of a hang.
    /// </summary>
    public static (SafeFd Runtime, SafeFd Init) CreatePair()
    {
        var rc = Libc.UnixSocketPair(SOCK_STREAM, out var runtime, out var init);
        if (rc < 0)
        {
            throw new TerminalException("create", "the console socket pair", -rc, "raise the fd limit (ulimit -n)");
        }
        return (runtime, init);
    }

    /// <summary>
    /// Connects to the listening socket at <paramref name="path"/> (--console-socket). A path
    /// longer than sun_path (107 bytes) is reached through /proc/self/fd/N of an O_PATH fd.
    /// Stream first (what runc dials); a SOCK_SEQPACKET listener (EPROTOTYPE) gets a seqpacket socket.
    /// </summary>
    public static SafeFd Connect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFd? pathFd = null;
        try
        {
            var address = Encoding.UTF8.GetBytes(path);
            if (address.Length >= SunPathLength)
            {
                var rc = Libc.OpenAt(null, path, Libc.O_PATH, 0, out pathFd);
                if (rc < 0)
                {
                    throw new TerminalException("open console socket", path, -rc);
                }
                address = Encoding.UTF8.GetBytes(Paths.RootPath.ProcFdPath(pathFd));
            }
            var result = TryConnect(address, SOCK_STREAM, out var socket);
            if (result == -EPROTOTYPE)
            {
                socket.Dispose();
                result = TryConnect(address, SOCK_SEQPACKET, out socket);
            }
            if (result < 0)
            {
                socket.Dispose();
                throw new TerminalException("connect to console socket", path, -result, -result switch
                {
                    Errno.ENOENT => "no socket at this path; the --console-socket listener must exist before create",
                    111 /* ECONNREFUSED */ => "nothing listens on this socket",
                    Errno.EACCES => "no permission to connect to this socket",
                    _ => null,
                });
            }
            return socket;
        }
        finally
        {
            pathFd?.Dispose();
        }
    }

    /// <summary>
    /// Sends <paramref name="fd"/> with <paramref name="name"/> as the data: exactly one fd,
    /// one message. <paramref name="socketName"/> names the socket in errors.
    /// </summary>
    public static void SendFd(SafeFd socket, SafeFd fd, string name, string socketName)
    {
        var data = Encoding.UTF8.GetBytes(name);
        if (data.Length == 0 || data.Length >= MaxNameLength)
        {
            throw new ArgumentException($"send fd over {socketName}: the name must have 1 to {MaxNameLength - 1} bytes", nameof(name));
        }
        var n = Libc.SendWithFd(socket, data, fd);
        if (n < 0)
        {
            throw new TerminalException("send the pty master over", socketName, (int)-n,
                -n == Errno.EPIPE ? "the receiving side closed the socket" : null);
        }
        if (n != data.Length)
        {
            throw new TerminalException("send the pty master over", socketName, Errno.EIO,
                $"only {n.ToString(CultureInfo.InvariantCulture)} of {data.Length.ToString(CultureInfo.InvariantCulture)} bytes went out");
        }
    }

    /// <summary>
    /// Receives one message carrying exactly one fd (close-on-exec) and returns it, with the
    /// message's data as <paramref name="name"/>. Any other number of fds is an error and
    /// every fd that arrived is closed. Waits at most <paramref name="timeoutMs"/> (negative: forever).
    /// </summary>
    public static SafeFd ReceiveFd(SafeFd socket, string socketName, out string name, int timeoutMs = -1)
    {
        var ready = Libc.PollReadable(socket, timeoutMs);
        if (ready < 0)
        {
            throw new TerminalException("wait for the pty master on", socketName, -ready);
        }
        if (ready == 0)
        {
            throw new TerminalException("wait for the pty master on", socketName, Errno.ETIMEDOUT,
                $"nothing arrived within {timeoutMs.ToString(CultureInfo.InvariantCulture)} ms");
        }
        var buffer = new byte[MaxNameLength];
        var fds = new List<SafeFd>();
        var n = Libc.ReceiveWithFds(socket, buffer, fds, out var truncated);
        try
        {
            if (n < 0)
            {
                throw new TerminalException("receive the pty master from", socketName, (int)-n);
            }
            if (n == 0 && fds.Count == 0)
            {
                throw new TerminalException("receive the pty master from", socketName, 0,
                    "the sender closed the socket without sending a file descriptor (did the container's init fail?)");
            }
            if (truncated || fds.Count != 1)
            {
                throw new TerminalException("receive the pty master from", socketName, 0,
                    $"expected exactly one file descriptor, got {(truncated ? "more than " : "")}{fds.Count.ToString(CultureInfo.InvariantCulture)}");
            }
            if (n >= MaxNameLength)
            {
                throw new TerminalException("receive the pty master from", socketName, 0,
                    $"the name is longer than {(MaxNameLength - 1).ToString(CultureInfo.InvariantCulture)} bytes");
            }
            name = Encoding.UTF8.GetString(buffer, 0, (int)n);
            var fd = fds[0];
            fds.Clear();
            return fd;
        }
        finally
        {
            foreach (var extra in fds)
            {
                extra.Dispose();
            }
        }
    }

    private static int TryConnect(byte[] address, int type, out SafeFd socket)
    {
        var fd = Libc.terminal_socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            socket = new SafeFd();
            return -Libc.LastErrno;
        }
        socket = new SafeFd(fd);
        return Libc.ConnectUnix(socket, address);
    }
}
