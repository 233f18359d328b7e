using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using Hutch.Linux.Terminal;
using Hutch.Testing;
using static Hutch.Linux.Tests.Terminal.TerminalTestHelpers;

namespace Hutch.Linux.Tests.Terminal;

public class PtyTests
{
    [Fact]
    public void Open_gives_a_verified_master_and_its_peer_by_TIOCGPTPEER()
    {
        using var pty = Pty.Open("/dev/ptmx");
        Assert.Equal("/dev/ptmx", pty.MasterName);
        // The peer fd is /dev/pts/N of the master's number, found without any path lookup.
        var link = File.ResolveLinkTarget($"/proc/self/fd/{pty.Peer.Fd}", returnFinalTarget: false)!.FullName;
        Assert.Equal("/dev/pts/" + pty.Number.ToString(CultureInfo.InvariantCulture), link);
        Assert.Equal(0, PathSyscalls.Fstat(pty.Peer, out var st));
        Assert.Equal(PathSyscalls.S_IFCHR, st.Type);
        Assert.InRange(st.RdevMajor, 136u, 143u);
        Assert.Equal(pty.Number, st.RdevMinor + (st.RdevMajor - 136) * 256);
    }

    [Fact]
    public void Peer_output_reaches_the_master_and_master_input_reaches_the_peer()
    {
        using var pty = Pty.Open();
        WriteAll(pty.Peer, "from the peer\n");
        // The line discipline's ONLCR turns \n into \r\n on the way out.
        Assert.Contains("from the peer\r\n", ReadUntil(pty.Master, "from the peer\r\n"), StringComparison.Ordinal);

        WriteAll(pty.Master, "typed line\n");
        Assert.Contains("typed line\n", ReadUntil(pty.Peer, "typed line\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_ptys_are_distinct()
    {
        using var first = Pty.Open();
        using var second = Pty.Open();
        Assert.NotEqual(first.Number, second.Number);
        WriteAll(second.Peer, "second\n");
        ReadUntil(second.Master, "second");
        Assert.Equal(0, Libc.PollReadable(first.Master, 50));
    }

    [DevptsPtmxFact]
    public void FromMaster_accepts_an_fd_of_the_devpts_ptmx()
    {
        // /dev/pts/ptmx is the devpts instance's own ptmx node, also 5:2.
        var rc = Libc.OpenAt(null, "/dev/pts/ptmx", Libc.O_RDWR | Libc.O_NOCTTY, 0, out var master);
        Assert.True(rc >= 0, $"open /dev/pts/ptmx: {Errno.Describe(-rc)}");
        using var pty = Pty.FromMaster(master, "/dev/pts/ptmx");
        WriteAll(pty.Peer, "pts ptmx\n");
        ReadUntil(pty.Master, "pts ptmx");
    }

    [Fact]
    public void A_master_that_is_not_the_ptmx_device_is_refused()
    {
        // CVE-2025-52565: the container controls /dev/ptmx; /dev/null (1:3) stands for whatever it put there.
        var e = Assert.Throws<TerminalException>(() => Pty.Open("/dev/null"));
        Assert.Equal(0, e.Errno);
        Assert.Contains("/dev/null", e.Message, StringComparison.Ordinal);
        Assert.Contains("character device 1:3, not the ptmx character device 5:2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regular_file_or_fifo_as_master_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("hutch-pty-");
        try
        {
            var file = Path.Combine(dir.FullName, "ptmx");
            File.WriteAllText(file, "");
            var e = Assert.Throws<TerminalException>(() => Pty.Open(file));
            Assert.Contains("a regular file", e.Message, StringComparison.Ordinal);

            var fifo = Path.Combine(dir.FullName, "fifo");
            Assert.Equal(0, Libc.mkfifo(fifo, 0x180));
            // O_RDWR on a FIFO does not block on Linux.
            e = Assert.Throws<TerminalException>(() => Pty.Open(fifo));
            Assert.Contains("a FIFO", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_ptmx_names_the_path_and_what_to_do()
    {
        var e = Assert.Throws<TerminalException>(() => Pty.Open("/nonexistent-hutch/dev/ptmx"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("/nonexistent-hutch/dev/ptmx", e.Message, StringComparison.Ordinal);
        Assert.Contains("devpts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyPeer_refuses_what_is_not_a_devpts_peer()
    {
        Assert.Equal(0, Libc.OpenAt(null, "/dev/null", Libc.O_RDWR, 0, out var devNull));
        using (devNull)
        {
            var e = Assert.Throws<TerminalException>(() => Pty.VerifyPeer(devNull, "/dev/null"));
            Assert.Contains("not a pty peer", e.Message, StringComparison.Ordinal);
        }
        using var pty = Pty.Open();
        // The master is a char device too, but 5:2, not a peer.
        Assert.Throws<TerminalException>(() => Pty.VerifyPeer(pty.Master, "master"));
        Pty.VerifyPeer(pty.Peer, "peer");
    }

    [Fact]
    public void Window_size_set_on_the_pty_is_read_back_on_both_ends()
    {
        using var pty = Pty.Open();
        pty.SetWindowSize(new WindowSize(31, 97));
        Assert.Equal(new WindowSize(31, 97), WindowSize.Get(pty.Peer, "peer"));
        Assert.Equal(new WindowSize(31, 97), WindowSize.Get(pty.Master, "master"));
        new WindowSize(1, 65535).Set(pty.Master, "master");
        Assert.Equal(new WindowSize(1, 65535), WindowSize.Get(pty.Peer, "peer"));
    }

    [Fact]
    public void Window_size_of_a_non_terminal_is_an_error_naming_it()
    {
        Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
        using (readEnd)
        using (writeEnd)
        {
            Assert.Null(WindowSize.TryGet(readEnd));
            var e = Assert.Throws<TerminalException>(() => WindowSize.Get(readEnd, "the pipe"));
            Assert.Equal(Errno.ENOTTY, e.Errno);
            Assert.Contains("the pipe", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(24u, 80u, true)]
    [InlineData(0u, 80u, false)]
    [InlineData(24u, 0u, false)]
    [InlineData(70000u, 80u, false)]
    public void FromConsoleSize_follows_runc(uint height, uint width, bool set)
    {
        var size = WindowSize.FromConsoleSize(height, width);
        Assert.Equal(set, size.HasValue);
        if (set)
        {
            Assert.Equal(new WindowSize((ushort)height, (ushort)width), size!.Value);
        }
    }

    [RootFact]
    public void Peer_owner_is_set_through_the_fd()
    {
        using var pty = Pty.Open();
        pty.SetPeerOwner(4242, 4243);
        Assert.Equal(0, PathSyscalls.Fstat(pty.Peer, out var st));
        Assert.Equal(4242u, st.Uid);
        Assert.Equal(4243u, st.Gid);
    }
}
