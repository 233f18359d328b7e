using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Consoles;
using static Hutch.Linux.Interop.Libc.TerminalConstants;

namespace Hutch.Runtime.Tests.Consoles;

/// <summary>
/// `run`'s terminal end to end, without a container: a real pty whose peer is a busybox shell's
/// stdio (spawned through Spawner, as the runtime spawns), the master handed to
/// ForegroundTerminal over the console socket pair, and a second pty standing for the user's
/// terminal where raw mode and the window size matter.
/// </summary>
public partial class ForegroundTerminalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public void Copies_input_to_the_container_and_its_output_back_until_hang_up()
    {
        using var container = Pty.Open();
        using var child = SpawnShell(container, "read x; echo got:$x");
        Assert.Equal(0, Libc.Pipe(out var inputRead, out var inputWrite));
        Assert.Equal(0, Libc.Pipe(out var outputRead, out var outputWrite));
        using (inputRead)
        using (inputWrite)
        using (outputRead)
        using (outputWrite)
        {
            // The master travels as it does in `run`: over the console socket pair, from the init's end.
            var master = PassOverSocketPair(container);
            container.Peer.Dispose(); // only the shell holds the peer now: its exit hangs the master up

            using var terminal = ForegroundTerminal.Start(master, inputRead, outputWrite);
            Assert.False(terminal.InputIsTerminal);
            Write(inputWrite, "hello\n");
            var seen = ReadUntil(outputRead, "got:hello");
            Assert.Contains("hello\r\n", seen, StringComparison.Ordinal); // the pty's echo, through the copy

            Assert.Equal(0, Wait(child).ExitCode);
            Assert.True(terminal.WaitForHangup(Deadline), "the master did not hang up after the shell exited");
            terminal.Stop(TimeSpan.FromSeconds(1));
            Assert.Null(terminal.Failure);
        }
    }

    [Fact]
    public unsafe void Raw_mode_initial_size_and_SIGWINCH_reach_the_container()
    {
        using var user = Pty.Open();        // the user's terminal: hutch's stdin and stdout are its peer
        using var container = Pty.Open();   // the container's terminal
        new WindowSize(30, 100).Set(user.Master, "user terminal");
        var cooked = TerminalMode.Get(user.Peer, "user terminal");
        // setsid -c: the shell leads a session whose controlling terminal is the pty, as the init arranges.
        // The first read holds the shell until Start has copied the size (a 0x0 terminal makes
        // busybox's `stty size` fail): in `run` the process starts only after that too.
        using var child = SpawnShell(container, "read w; stty size; read x; stty size; read y", controllingTerminal: true);
        var master = PassOverSocketPair(container);

        using (var terminal = ForegroundTerminal.Start(master, user.Peer, user.Peer))
        {
            Assert.True(terminal.InputIsTerminal);
            var raw = TerminalMode.Get(user.Peer, "user terminal");
            Assert.Equal(0u, raw.LocalFlags & (ICANON | ECHO | ISIG));

            // The initial size comes from the user's terminal.
            Write(user.Master, "\r");
            ReadUntil(user.Master, "30 100");

            // The user's window changes; the kernel would send SIGWINCH to hutch: do it by hand.
            new WindowSize(40, 120).Set(user.Master, "user terminal");
            Assert.Equal(0, Libc.kill(Environment.ProcessId, 28 /* SIGWINCH */));
            var deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
            while (WindowSize.Get(container.Peer, "container terminal") != new WindowSize(40, 120))
            {
                Assert.True(Environment.TickCount64 < deadline, "SIGWINCH did not resize the container's terminal");
                Thread.Sleep(20);
            }
            // Enter in raw mode is a bare \r; the container's own line discipline makes it \n.
            Write(user.Master, "\r");
            ReadUntil(user.Master, "40 120");

            // Ctrl-C in raw mode is a byte for the container's terminal, which signals the shell, not hutch.
            Write(user.Master, "\x03");
            Assert.True(child.TryWaitForExit(Deadline, out var status), "the shell did not get Ctrl-C");
            Assert.Equal(130, status.ShellCode);
            terminal.Stop(TimeSpan.FromSeconds(1));
        }

        // Restored on the way out.
        var after = TerminalMode.Get(user.Peer, "user terminal");
        Assert.Equal(Bytes(cooked), Bytes(after));
    }

    [Fact]
    public unsafe void Dispose_alone_restores_the_mode()
    {
        using var user = Pty.Open();
        using var container = Pty.Open();
        var cooked = TerminalMode.Get(user.Peer, "user terminal");
        var terminal = ForegroundTerminal.Start(PassOverSocketPair(container), user.Peer, user.Peer);
        Assert.Equal(0u, TerminalMode.Get(user.Peer, "user terminal").LocalFlags & ICANON);
        terminal.Dispose();
        Assert.Equal(Bytes(cooked), Bytes(TerminalMode.Get(user.Peer, "user terminal")));
        Assert.False(terminal.HungUp); // the container's peer is still open here
    }

    [Fact]
    public void Stop_copies_the_last_output_written_before_the_exit()
    {
        using var container = Pty.Open();
        Assert.Equal(0, Libc.Pipe(out var outputRead, out var outputWrite));
        Assert.Equal(0, Libc.Pipe(out var inputRead, out var inputWrite));
        using (outputRead)
        using (outputWrite)
        using (inputRead)
        using (inputWrite)
        {
            using var terminal = ForegroundTerminal.Start(PassOverSocketPair(container), inputRead, outputWrite);
            // A process wrote and is gone; the peer stays open elsewhere (a background process), so no hang-up.
            Write(container.Peer, "last words\n");
            terminal.Stop(TimeSpan.FromSeconds(1));
            outputWrite.Dispose();
            Assert.Contains("last words", ReadUntil(outputRead, "last words"), StringComparison.Ordinal);
            Assert.False(terminal.HungUp);
        }
    }

    private static SafeFd PassOverSocketPair(Pty pty)
    {
        var (runtime, init) = ConsoleSocket.CreatePair();
        using (runtime)
        using (init)
        {
            ConsoleSocket.SendFd(init, pty.Master, pty.MasterName, "the init's console socket");
            pty.CloseMaster();
            return ConsoleSocket.ReceiveFd(runtime, "the init's console socket", out _, 5000);
        }
    }

    private static SpawnedProcess SpawnShell(Pty pty, string script, bool controllingTerminal = false) => Spawner.Spawn(new SpawnPlan
    {
        Path = "/usr/bin/busybox",
        Argv = controllingTerminal ? ["busybox", "setsid", "-c", "busybox", "sh", "-c", script] : ["busybox", "sh", "-c", script],
        Envp = ["PATH=/usr/bin:/bin"],
        Fds = [new FdMapping(pty.Peer, 0), new FdMapping(pty.Peer, 1), new FdMapping(pty.Peer, 2)],
    });

    private static ExitStatus Wait(SpawnedProcess process)
    {
        if (!process.TryWaitForExit(Deadline, out var status))
        {
            process.Kill(Libc.SIGKILL);
            process.WaitForExit();
            Assert.Fail($"pid {process.Pid} did not exit within {Deadline}");
        }
        return status;
    }

    private static void Write(SafeFd fd, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        Assert.Equal(data.Length, Libc.Write(fd, data));
    }

    private static string ReadUntil(SafeFd fd, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var left = (int)(deadline - Environment.TickCount64);
            Assert.True(left > 0, $"waited {Deadline} for \"{expected}\"; got \"{text}\"");
            if (Libc.PollReadable(fd, left) <= 0)
            {
                continue;
            }
            var n = Libc.Read(fd, buffer);
            Assert.True(n > 0, $"read: {(n == 0 ? "EOF" : "errno " + -n)} before \"{expected}\"; got \"{text}\"");
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static unsafe byte[] Bytes(Libc.Termios termios) =>
        new ReadOnlySpan<byte>(&termios, sizeof(Libc.Termios)).ToArray();
}
