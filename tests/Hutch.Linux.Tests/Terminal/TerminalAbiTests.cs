using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using static Hutch.Linux.Interop.Libc.TerminalConstants;

namespace Hutch.Linux.Tests.Terminal;

/// <summary>
/// The C# termios, msghdr, cmsg and sockaddr_un layouts and constants against the values
/// native/terminal.c compiled from this system's headers (hutch_terminal_abi).
/// </summary>
public class TerminalAbiTests
{
    private static readonly Lazy<Dictionary<string, long>> Table = new(ReadTable);

    private static unsafe Dictionary<string, long> ReadTable()
    {
        const int Capacity = 128;
        var names = stackalloc byte*[Capacity];
        var values = stackalloc long[Capacity];
        var count = Libc.hutch_terminal_abi(names, values, Capacity);
        Assert.InRange(count, 1, Capacity);
        var table = new Dictionary<string, long>();
        for (var i = 0; i < count; i++)
        {
            table[Marshal.PtrToStringUTF8((nint)names[i])!] = values[i];
        }
        return table;
    }

    private static long C(string name)
    {
        Assert.True(Table.Value.TryGetValue(name, out var value), $"{name} missing from hutch_terminal_abi");
        return value;
    }

    [Fact]
    public unsafe void Termios_layout_matches_glibc()
    {
        Assert.Equal(C("sizeof(struct termios)"), sizeof(Libc.Termios));
        Assert.Equal(C("offsetof(termios.c_iflag)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.InputFlags)));
        Assert.Equal(C("offsetof(termios.c_oflag)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.OutputFlags)));
        Assert.Equal(C("offsetof(termios.c_cflag)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.ControlFlags)));
        Assert.Equal(C("offsetof(termios.c_lflag)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.LocalFlags)));
        Assert.Equal(C("offsetof(termios.c_line)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.Line)));
        Assert.Equal(C("offsetof(termios.c_cc)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.ControlChars)));
        Assert.Equal(C("offsetof(termios.c_ispeed)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.InputSpeed)));
        Assert.Equal(C("offsetof(termios.c_ospeed)"), Marshal.OffsetOf<Libc.Termios>(nameof(Libc.Termios.OutputSpeed)));
        Assert.Equal(NCCS, C("NCCS"));
        Assert.Equal(C("sizeof(struct winsize)"), sizeof(Libc.HutchWinsize));
    }

    [Fact]
    public void Termios_constants_match()
    {
        (string Name, long Value)[] expected =
        [
            ("IGNBRK", IGNBRK), ("BRKINT", BRKINT), ("PARMRK", PARMRK), ("ISTRIP", ISTRIP), ("INLCR", INLCR),
            ("IGNCR", IGNCR), ("ICRNL", ICRNL), ("IXON", IXON), ("OPOST", OPOST), ("ONLCR", ONLCR),
            ("CSIZE", CSIZE), ("CS8", CS8), ("PARENB", PARENB), ("ECHO", ECHO), ("ECHONL", ECHONL),
            ("ICANON", ICANON), ("ISIG", ISIG), ("IEXTEN", IEXTEN), ("VMIN", VMIN), ("VTIME", VTIME),
            ("TCSANOW", TCSANOW), ("TCSADRAIN", TCSADRAIN), ("TCSAFLUSH", TCSAFLUSH),
        ];
        foreach (var (name, value) in expected)
        {
            Assert.True(C(name) == value, $"{name}: C {C(name)}, C# {value}");
        }
    }

    [Fact]
    public unsafe void Socket_layouts_and_constants_match()
    {
        Assert.Equal(C("sizeof(struct msghdr)"), sizeof(Libc.MsgHdr));
        Assert.Equal(C("offsetof(msghdr.msg_iov)"), Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.Iov)));
        Assert.Equal(C("offsetof(msghdr.msg_iovlen)"), Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.IovLength)));
        Assert.Equal(C("offsetof(msghdr.msg_control)"), Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.Control)));
        Assert.Equal(C("offsetof(msghdr.msg_controllen)"), Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.ControlLength)));
        Assert.Equal(C("offsetof(msghdr.msg_flags)"), Marshal.OffsetOf<Libc.MsgHdr>(nameof(Libc.MsgHdr.Flags)));
        Assert.Equal(C("sizeof(struct iovec)"), sizeof(Libc.IoVec));
        Assert.Equal(C("sizeof(struct cmsghdr)"), sizeof(Libc.CmsgHdr));
        Assert.Equal(C("CMSG_LEN(sizeof(int))"), Libc.TerminalCmsgLength(sizeof(int)));
        Assert.Equal(C("CMSG_SPACE(sizeof(int))"), Libc.TerminalCmsgSpace(sizeof(int)));
        Assert.Equal(C("sizeof(struct sockaddr_un)"), sizeof(Libc.SockAddrUnix));
        Assert.Equal(SunPathLength, C("sizeof(sockaddr_un.sun_path)"));
        (string Name, long Value)[] expected =
        [
            ("SOL_SOCKET", SOL_SOCKET), ("SCM_RIGHTS", SCM_RIGHTS), ("MSG_CTRUNC", MSG_CTRUNC),
            ("MSG_CMSG_CLOEXEC", MSG_CMSG_CLOEXEC), ("MSG_NOSIGNAL", MSG_NOSIGNAL), ("AF_UNIX", AF_UNIX),
            ("SOCK_STREAM", SOCK_STREAM), ("SOCK_SEQPACKET", SOCK_SEQPACKET), ("EPROTOTYPE", EPROTOTYPE),
        ];
        foreach (var (name, value) in expected)
        {
            Assert.True(C(name) == value, $"{name}: C {C(name)}, C# {value}");
        }
    }
}
