using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;
using static Hutch.Linux.Interop.Libc.TerminalConstants;
using static Hutch.Linux.Tests.Terminal.TerminalTestHelpers;

namespace Hutch.Linux.Tests.Terminal;

public partial class TerminalModeTests
{
    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static unsafe partial void GlibcMakeRaw(Libc.Termios* termios);

    [Fact]
    public unsafe void MakeRaw_equals_glibc_cfmakeraw()
    {
        using var pty = Pty.Open();
        var cooked = TerminalMode.Get(pty.Peer, "peer");
        var expected = cooked;
        GlibcMakeRaw(&expected);
        var actual = TerminalMode.MakeRaw(cooked);
        Assert.Equal(Bytes(expected), Bytes(actual));
    }

    [Fact]
    public unsafe void EnterRaw_then_Dispose_round_trips_a_pty_peer()
    {
        using var pty = Pty.Open();
        var before = TerminalMode.Get(pty.Peer, "peer");
        Assert.NotEqual(0u, before.LocalFlags & ICANON); // a fresh pty is cooked

        using (var mode = TerminalMode.EnterRaw(pty.Peer, "peer"))
        {
            var raw = TerminalMode.Get(pty.Peer, "peer");
            Assert.Equal(0u, raw.LocalFlags & (ICANON | ECHO | ISIG | IEXTEN));
            Assert.Equal(0u, raw.OutputFlags & OPOST);
            Assert.Equal(0u, raw.InputFlags & ICRNL);
            Assert.Equal(CS8, raw.ControlFlags & CSIZE);
            Assert.Equal(1, raw.ControlChars[VMIN]);
            Assert.Equal(0, raw.ControlChars[VTIME]);
            Assert.Equal(Bytes(before), Bytes(mode.Saved));

            // Raw for real: no ONLCR on output, no echo, bytes pass at once.
            WriteAll(pty.Peer, "a\n");
            var seen = ReadUntil(pty.Master, "a\n");
            Assert.DoesNotContain("\r", seen, StringComparison.Ordinal);
            WriteAll(pty.Master, "x");
            Assert.Equal("x", ReadUntil(pty.Peer, "x"));
            Assert.Equal(0, Libc.PollReadable(pty.Master, 50)); // nothing echoed
        }

        Assert.Equal(Bytes(before), Bytes(TerminalMode.Get(pty.Peer, "peer")));
    }

    [Fact]
    public void Restore_happens_once()
    {
        using var pty = Pty.Open();
        var mode = TerminalMode.EnterRaw(pty.Peer, "peer");
        mode.Restore();
        // Changed again after the restore: a second Restore or Dispose must not undo this.
        TerminalMode.Set(pty.Peer, "peer", TerminalMode.MakeRaw(TerminalMode.Get(pty.Peer, "peer")));
        mode.Restore();
        mode.Dispose();
        Assert.Equal(0u, TerminalMode.Get(pty.Peer, "peer").LocalFlags & ICANON);
    }

    [Fact]
    public void A_non_terminal_is_not_one()
    {
        Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
        using (readEnd)
        using (writeEnd)
        {
            Assert.False(TerminalMode.IsTerminal(readEnd));
            var e = Assert.Throws<TerminalException>(() => TerminalMode.EnterRaw(readEnd, "stdin"));
            Assert.Equal(Errno.ENOTTY, e.Errno);
            Assert.Contains("stdin", e.Message, StringComparison.Ordinal);
        }
        using var pty = Pty.Open();
        Assert.True(TerminalMode.IsTerminal(pty.Peer));
        Assert.True(TerminalMode.IsTerminal(pty.Master));
    }

    private static unsafe byte[] Bytes(Libc.Termios termios) =>
        new ReadOnlySpan<byte>(&termios, sizeof(Libc.Termios)).ToArray();
}
