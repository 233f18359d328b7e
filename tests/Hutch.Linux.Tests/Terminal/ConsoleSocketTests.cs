using System.Net.Sockets;
using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;
using static Hutch.Linux.Tests.Terminal.TerminalTestHelpers;

namespace Hutch.Linux.Tests.Terminal;

public class ConsoleSocketTests
{
    [Fact]
    public void An_fd_sent_over_a_socketpair_arrives_usable_with_its_name()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        {
            Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
            using (readEnd)
            {
                using (writeEnd)
                {
                    ConsoleSocket.SendFd(init, writeEnd, "/dev/ptmx", "test pair");
                }
                // Our copy of the write end is closed: only the received one can write now.
                using var received = ConsoleSocket.ReceiveFd(runtime, "test pair", out var name, 5000);
                Assert.Equal("/dev/ptmx", name);
                WriteAll(received, "through SCM_RIGHTS");
                Assert.Equal("through SCM_RIGHTS", ReadUntil(readEnd, "through SCM_RIGHTS"));
                // MSG_CMSG_CLOEXEC: the received fd does not leak into an exec'd child.
                var flags = File.ReadAllLines($"/proc/self/fdinfo/{received.Fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
                var octal = Convert.ToInt32(flags.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], 8);
                Assert.NotEqual(0, octal & Libc.O_CLOEXEC);
            }
        }
    }

    [Fact]
    public void A_pty_master_sent_over_works_on_the_other_side()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        using (var pty = Pty.Open())
        {
            ConsoleSocket.SendFd(init, pty.Master, pty.MasterName, "test pair");
            pty.CloseMaster();
            using var master = ConsoleSocket.ReceiveFd(runtime, "test pair", out _, 5000);
            Pty.VerifyMaster(master, "received master");
            WriteAll(pty.Peer, "peer says hi\n");
            ReadUntil(master, "peer says hi");
        }
    }

    [Fact]
    public unsafe void Two_fds_in_one_message_are_refused_and_both_closed()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        {
            Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
            using (readEnd)
            {
                using (writeEnd)
                {
                    SendTwo(init, writeEnd);
                }
                var e = Assert.Throws<TerminalException>(() => ConsoleSocket.ReceiveFd(runtime, "test pair", out _, 5000));
                Assert.Contains("expected exactly one file descriptor, got 2", e.Message, StringComparison.Ordinal);
                // Every copy of the write end is closed again: the read end sees EOF.
                Assert.Equal(1, Libc.PollReadable(readEnd, 5000));
                Assert.Equal(0, Libc.Read(readEnd, new byte[1]));
            }
        }
    }

    [Fact]
    public void A_message_without_an_fd_is_refused()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        {
            WriteAll(init, "/dev/ptmx");
            var e = Assert.Throws<TerminalException>(() => ConsoleSocket.ReceiveFd(runtime, "test pair", out _, 5000));
            Assert.Contains("got 0", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_sender_that_closes_without_sending_is_an_error_not_a_hang()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        {
            init.Dispose();
            var e = Assert.Throws<TerminalException>(() => ConsoleSocket.ReceiveFd(runtime, "the init's console socket", out _));
            Assert.Contains("closed the socket without sending a file descriptor", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Receive_times_out()
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        {
            var e = Assert.Throws<TerminalException>(() => ConsoleSocket.ReceiveFd(runtime, "test pair", out _, 50));
            Assert.Equal(Errno.ETIMEDOUT, e.Errno);
        }
    }

    [Theory]
    [InlineData(SocketType.Stream, false)]
    [InlineData(SocketType.Seqpacket, false)]
    [InlineData(SocketType.Stream, true)]
    public void Connect_reaches_a_listener_like_containerd_and_conmon(SocketType type, bool longPath)
    {
        var dir = Directory.CreateTempSubdirectory("hutch-console-");
        try
        {
            var parent = dir.FullName;
            if (longPath)
            {
                // Longer than sun_path (108 bytes): reached through /proc/self/fd.
                parent = Path.Combine(parent, new string('d', 60), new string('e', 60));
                Directory.CreateDirectory(parent);
            }
            var path = Path.Combine(parent, "console.sock");
            Assert.Equal(longPath, Encoding.UTF8.GetByteCount(path) >= 108);
            using var listener = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
            if (longPath)
            {
                // .NET cannot bind such a path either: bind through the directory's /proc/self/fd link.
                Assert.Equal(0, Libc.OpenAt(null, parent, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var dirFd));
                using (dirFd)
                {
                    listener.Bind(new UnixDomainSocketEndPoint($"/proc/self/fd/{dirFd.Fd}/console.sock"));
                }
            }
            else
            {
                listener.Bind(new UnixDomainSocketEndPoint(path));
            }
            listener.Listen(1);

            using var pty = Pty.Open();
            using (var client = ConsoleSocket.Connect(path))
            {
                ConsoleSocket.SendFd(client, pty.Master, pty.MasterName, path);
            }
            using var accepted = listener.Accept();
            using var acceptedFd = new SafeFd((int)accepted.Handle, ownsHandle: false);
            using var master = ConsoleSocket.ReceiveFd(acceptedFd, path, out var name, 5000);
            Assert.Equal("/dev/ptmx", name);
            WriteAll(pty.Peer, "over the console socket\n");
            ReadUntil(master, "over the console socket");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Connect_to_a_missing_socket_says_what_to_do()
    {
        var e = Assert.Throws<TerminalException>(() => ConsoleSocket.Connect("/nonexistent-hutch/console.sock"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("/nonexistent-hutch/console.sock", e.Message, StringComparison.Ordinal);
        Assert.Contains("listener must exist", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A misbehaving sender: one SCM_RIGHTS message with two fds.</summary>
    private static unsafe void SendTwo(SafeFd socket, SafeFd fd)
    {
        var space = Libc.TerminalCmsgSpace(2 * sizeof(int));
        var control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        var header = (Libc.CmsgHdr*)control;
        header->Length = (nuint)Libc.TerminalCmsgLength(2 * sizeof(int));
        header->Level = Libc.TerminalConstants.SOL_SOCKET;
        header->Type = Libc.TerminalConstants.SCM_RIGHTS;
        var fds = (int*)(control + Libc.TerminalCmsgAlign(sizeof(Libc.CmsgHdr)));
        fds[0] = fd.Fd;
        fds[1] = fd.Fd;
        var data = (byte)'x';
        var iov = new Libc.IoVec { Base = &data, Length = 1 };
        var message = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)space };
        Assert.Equal(1, Libc.terminal_sendmsg(socket.Fd, &message, 0));
    }
}
