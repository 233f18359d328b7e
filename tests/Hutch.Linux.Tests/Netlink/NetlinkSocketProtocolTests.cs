using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Netlink;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>
/// NetlinkSocket's request/reply logic against a scripted fake kernel on a unix SOCK_SEQPACKET
/// pair, for what the real kernel does too rarely to provoke on demand: interrupted dumps,
/// stale replies. No root needed.
/// </summary>
public sealed class NetlinkSocketProtocolTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hutch-nl-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly Socket _kernel;

    public NetlinkSocketProtocolTests()
    {
        _listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        _listener.Listen(1);
        _client = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        _client.Connect(new UnixDomainSocketEndPoint(_path));
        // A bug that leaves the client waiting for a reply fails the test instead of hanging it.
        _client.ReceiveTimeout = 10_000;
        _kernel = _listener.Accept();
    }

    public void Dispose()
    {
        _kernel.Dispose();
        _client.Dispose();
        _listener.Dispose();
        File.Delete(_path);
    }

    [Fact]
    public void Interrupted_dump_is_restarted_from_scratch()
    {
        using var socket = NetlinkSocket.FromConnectedSocket(ClientFd());
        var requests = 0;
        var fake = FakeKernel(() =>
        {
            // First attempt: one link, then the kernel says the set changed meanwhile.
            var sequence = ReadRequest();
            requests++;
            Send(Link(sequence, 1, "a", NetlinkFlags.Multi | NetlinkFlags.DumpInterrupted), Done(sequence, NetlinkFlags.DumpInterrupted));
            // Second attempt: consistent, spread over two datagrams.
            sequence = ReadRequest();
            requests++;
            Send(Link(sequence, 1, "a", NetlinkFlags.Multi), Link(sequence, 2, "b", NetlinkFlags.Multi));
            Send(Done(sequence, NetlinkFlags.Multi));
        });

        var links = DumpLinks(socket);

        fake.Finish();
        Assert.Equal(2, requests);
        Assert.Equal(["a", "b"], links.Select(l => l.Name));
    }

    [Fact]
    public void Dump_that_never_settles_fails_after_the_bounded_retries()
    {
        using var socket = NetlinkSocket.FromConnectedSocket(ClientFd());
        var fake = FakeKernel(() =>
        {
            for (var i = 0; i < NetlinkSocket.MaxDumpAttempts; i++)
            {
                var sequence = ReadRequest();
                Send(Link(sequence, 1, "a", NetlinkFlags.Multi | NetlinkFlags.DumpInterrupted), Done(sequence, NetlinkFlags.Multi));
            }
        });

        var e = Assert.Throws<NetlinkException>(() => DumpLinks(socket));

        fake.Finish();
        Assert.Equal(Errno.EAGAIN, e.Errno);
        Assert.StartsWith("list network devices: resource temporarily unavailable: the kernel reported the dump inconsistent 5 times",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_to_other_sequence_numbers_are_skipped()
    {
        using var socket = NetlinkSocket.FromConnectedSocket(ClientFd());
        var fake = FakeKernel(() =>
        {
            var sequence = ReadRequest();
            // Left over from an abandoned request: an error and a reply under an older sequence.
            Send(Error(sequence - 1, -Errno.ENODEV, "stale"), Link(sequence - 1, 9, "old", NetlinkFlags.None));
            Send(Link(sequence, 3, "new", NetlinkFlags.None), Error(sequence, 0, null));
        });

        LinkInfo? found = null;
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.GetByIndex(request, 3);
        var ack = socket.TryExecute(request[..length], (in NetlinkMessage m) => found = LinkMessages.Parse(m));

        fake.Finish();
        Assert.Equal(new NetlinkAck(0, null, null), ack);
        Assert.Equal("new", found?.Name);
    }

    [Fact]
    public void Error_ack_becomes_an_exception_with_the_kernel_text()
    {
        using var socket = NetlinkSocket.FromConnectedSocket(ClientFd());
        var fake = FakeKernel(() =>
        {
            var sequence = ReadRequest();
            Send(Error(sequence, -Errno.EPERM, "Operation needs CAP_NET_ADMIN"));
        });
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.SetFlags(request, 3, InterfaceFlags.Up, InterfaceFlags.Up);
        var failure = (NetlinkException?)null;
        try
        {
            socket.Execute(request[..length], "set device `x` (index 3) up", "x");
        }
        catch (NetlinkException e)
        {
            failure = e;
        }

        fake.Finish();
        Assert.NotNull(failure);
        Assert.Equal("set device `x` (index 3) up: operation not permitted (kernel: Operation needs CAP_NET_ADMIN)", failure.Message);
    }

    [Fact]
    public void Requests_get_increasing_sequence_numbers_and_the_request_flag()
    {
        using var socket = NetlinkSocket.FromConnectedSocket(ClientFd());
        var seen = new List<(uint Sequence, NetlinkFlags Flags)>();
        var fake = FakeKernel(() =>
        {
            for (var i = 0; i < 2; i++)
            {
                var buffer = new byte[4096];
                var n = _kernel.Receive(buffer);
                var header = MemoryMarshal.Read<NetlinkMessageHeader>(buffer.AsSpan(0, n));
                seen.Add((header.Sequence, header.Flags));
                Send(Error(header.Sequence, 0, null));
            }
        });
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.SetFlags(request, 3, InterfaceFlags.Up, InterfaceFlags.Up);
        socket.Execute(request[..length], "first");
        socket.Execute(request[..length], "second");

        fake.Finish();
        Assert.Equal(seen[0].Sequence + 1, seen[1].Sequence);
        Assert.All(seen, s => Assert.Equal(NetlinkFlags.Request | NetlinkFlags.Ack, s.Flags));
    }

    /// <summary>Runs the scripted kernel side on its own thread.</summary>
    private static FakeKernelThread FakeKernel(Action script) => new(script);

    private sealed class FakeKernelThread
    {
        private readonly Thread _thread;
        private Exception? _failure;

        public FakeKernelThread(Action script)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    script();
                }
#pragma warning disable CA1031 // reported by Finish on the test's thread
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _failure = e;
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public void Finish()
        {
            Assert.True(_thread.Join(TimeSpan.FromSeconds(10)), "the fake kernel did not finish");
            Assert.Null(_failure);
        }
    }

    private SafeFd ClientFd() => new((int)_client.SafeHandle.DangerousGetHandle(), ownsHandle: false);

    private static List<LinkInfo> DumpLinks(NetlinkSocket socket)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.DumpAll(request);
        return socket.Dump(request[..length], LinkMessages.Parse, "list network devices");
    }

    private uint ReadRequest()
    {
        var buffer = new byte[4096];
        var n = _kernel.Receive(buffer);
        return MemoryMarshal.Read<NetlinkMessageHeader>(buffer.AsSpan(0, n)).Sequence;
    }

    private void Send(params byte[][] messages) => _kernel.Send(messages.SelectMany(m => m).ToArray());

    private static byte[] Link(uint sequence, int index, string name, NetlinkFlags flags)
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(RouteMessageTypes.RTM_NEWLINK, flags, sequence);
        writer.PutInterfaceInfo(new InterfaceInfoMessage { Index = index });
        writer.PutString(LinkAttributes.IFLA_IFNAME, name);
        return buffer[..writer.EndMessage()];
    }

    private static byte[] Done(uint sequence, NetlinkFlags flags)
    {
        var buffer = new byte[64];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(NetlinkMessageTypes.NLMSG_DONE, flags, sequence);
        writer.PutStruct(0);
        return buffer[..writer.EndMessage()];
    }

    private static byte[] Error(uint sequence, int error, string? text)
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(NetlinkMessageTypes.NLMSG_ERROR,
            NetlinkFlags.Capped | (text is null ? NetlinkFlags.None : NetlinkFlags.AckTlvs), sequence);
        writer.PutStruct(error);
        writer.PutStruct(new NetlinkMessageHeader { Length = 32, Type = RouteMessageTypes.RTM_SETLINK, Sequence = sequence });
        if (text != null)
        {
            writer.PutString(NetlinkConstants.NLMSGERR_ATTR_MSG, text);
        }
        return buffer[..writer.EndMessage()];
    }
}
