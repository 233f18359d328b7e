using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Runtime.Init;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Tests.Init;

/// <summary>The init socket carrying an fd after a message (the id-mapped mount exchange), over a real socketpair.</summary>
public class InitChannelTests
{
    private static (InitChannel Parent, InitChannel Init) Pair()
    {
        var rc = Libc.UnixSocketPair(Libc.TerminalConstants.SOCK_STREAM, out var a, out var b);
        Assert.Equal(0, rc);
        return (new InitChannel(a), new InitChannel(b));
    }

    [Fact]
    public void A_message_then_its_fd_arrive_in_order_and_the_fd_is_the_same_file()
    {
        var (parent, init) = Pair();
        using (parent)
        using (init)
        {
            var file = Path.GetTempFileName();
            try
            {
                Assert.True(OpenAt(null, file, O_PATH, 0, out var sent) >= 0);
                using (sent)
                {
                    init.Send(new InitIdMapRequest { MountIndex = 3 });
                    init.SendFd(sent, "the source of mounts[3]");
                    init.Send(new InitRunHooks());

                    Assert.Equal(3, Assert.IsType<InitIdMapRequest>(parent.Receive()).MountIndex);
                    using var received = parent.ReceiveFd("the source of mounts[3]");
                    Assert.IsType<InitRunHooks>(parent.Receive());

                    Assert.Equal(0, Fstat(sent, out var a));
                    Assert.Equal(0, Fstat(received, out var b));
                    Assert.Equal((a.DevMajor, a.DevMinor, a.Ino), (b.DevMajor, b.DevMinor, b.Ino));
                    Assert.NotEqual(sent.Fd, received.Fd);
                }
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void A_missing_fd_is_a_protocol_error_that_says_what_was_expected()
    {
        var (parent, init) = Pair();
        using (parent)
        {
            init.Dispose();

            var error = Assert.Throws<InitException>(() => parent.ReceiveFd("the id-mapped copy of mounts[0]"));

            Assert.Contains("expected the id-mapped copy of mounts[0] over the init socket, got end of stream", error.Message, StringComparison.Ordinal);
        }
    }
}
