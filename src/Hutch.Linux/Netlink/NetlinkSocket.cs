using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Netlink;

/// <summary>
/// An AF_NETLINK / NETLINK_ROUTE socket (close-on-exec, bound, kernel-assigned port id)
/// that sends one request at a time and reads its reply: an ack (<see cref="Execute"/>),
/// replies then an ack (<see cref="TryExecute"/>), or a dump until NLMSG_DONE
/// (<see cref="Dump{T}"/>). Each request gets the next sequence number; replies to
/// other sequence numbers (left over from an abandoned request) are skipped.
/// Not thread-safe: one caller at a time.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    /// <summary>How often a dump is restarted when the kernel flags it inconsistent (NLM_F_DUMP_INTR).</summary>
    public const int MaxDumpAttempts = 5;

    // The kernel sizes dump datagrams after the reader's buffer; 32 KiB is what it uses at most.
    private const int InitialReceiveBufferSize = 32 * 1024;

    private readonly SafeFd _fd;
    private byte[] _receiveBuffer = new byte[InitialReceiveBufferSize];
    private uint _sequence;

    private NetlinkSocket(SafeFd fd, uint portId, bool strictChecking)
    {
        _fd = fd;
        PortId = portId;
        StrictChecking = strictChecking;
        // Start somewhere other than 1 so replies meant for another socket's first request stand out.
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel bound this socket to (nlmsg_pid of its replies).</summary>
    public uint PortId { get; }

    /// <summary>NETLINK_GET_STRICT_CHK is on: the kernel validates GET headers and applies dump filters.</summary>
    public bool StrictChecking { get; }

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static unsafe NetlinkSocket Open()
    {
        var raw = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NetlinkConstants.NETLINK_ROUTE);
        if (raw < 0)
        {
            throw new NetlinkException("open rtnetlink socket", null, Libc.LastErrno);
        }
        var fd = new SafeFd(raw);
        try
        {
            var address = new Libc.SockAddrNetlink { Family = Libc.AF_NETLINK };
            if (Libc.bind(raw, &address, (uint)sizeof(Libc.SockAddrNetlink)) != 0)
            {
                throw new NetlinkException("bind rtnetlink socket", null, Libc.LastErrno);
            }
            var length = (uint)sizeof(Libc.SockAddrNetlink);
            if (Libc.getsockname(raw, &address, &length) != 0)
            {
                throw new NetlinkException("read the port id of the rtnetlink socket", null, Libc.LastErrno);
            }
            // Errors carry the kernel's text and only the header of our request.
            SetOption(raw, NetlinkConstants.NETLINK_EXT_ACK);
            SetOption(raw, NetlinkConstants.NETLINK_CAP_ACK);
            // Strict checking makes the kernel honour ifa_index in address dumps (4.20+);
            // RouteNetlink filters in C# as well, so older kernels give the same answers.
            var strict = SetOption(raw, NetlinkConstants.NETLINK_GET_STRICT_CHK);
            return new NetlinkSocket(fd, address.PortId, strict);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps a datagram socket that is already connected to something speaking netlink (tests
    /// use a fake kernel on a unix SOCK_SEQPACKET pair to replay what the kernel rarely does,
    /// such as an interrupted dump). Takes ownership of the fd.
    /// </summary>
    public static NetlinkSocket FromConnectedSocket(SafeFd fd) => new(fd, portId: 0, strictChecking: false);

    /// <summary>
    /// Opens a socket in the network namespace <paramref name="netnsFd"/> refers to. The
    /// socket stays bound to that namespace for its life, whatever thread uses it later.
    /// </summary>
    public static NetlinkSocket OpenIn(SafeHandle netnsFd) => NetworkNamespace.RunIn(netnsFd, Open);

    /// <summary>
    /// Sends a request and waits for its ack; throws <see cref="NetlinkException"/> naming
    /// <paramref name="operation"/> when the kernel refuses. Replies before the ack go to onReply.
    /// </summary>
    public void Execute(Span<byte> request, string operation, string? device = null, ReplyHandler? onReply = null)
    {
        var ack = TryExecute(request, onReply);
        if (ack.Errno != 0)
        {
            throw new NetlinkException(operation, device, ack.Errno, ack.KernelMessage);
        }
    }

    /// <summary>
    /// Sends a request with NLM_F_ACK and returns the kernel's verdict instead of throwing
    /// (socket-level failures still throw). Replies before the ack go to onReply.
    /// </summary>
    public NetlinkAck TryExecute(Span<byte> request, ReplyHandler? onReply = null)
    {
        var sequence = Send(request, NetlinkFlags.Request | NetlinkFlags.Ack);
        var outcome = default(NetlinkAck);
        Receive(sequence, (in NetlinkMessage message) =>
        {
            switch (message.Type)
            {
                case NetlinkMessageTypes.NLMSG_ERROR:
                    outcome = NetlinkAck.FromError(message);
                    return true;
                case NetlinkMessageTypes.NLMSG_DONE:
                    outcome = NetlinkAck.FromDone(message);
                    return true;
                case NetlinkMessageTypes.NLMSG_NOOP:
                    return false;
                default:
                    onReply?.Invoke(message);
                    return false;
            }
        });
        return outcome;
    }

    /// <summary>
    /// Sends a dump request (NLM_F_DUMP is added) and parses every reply until NLMSG_DONE,
    /// skipping those <paramref name="parse"/> maps to null. When the kernel flags the dump
    /// inconsistent (NLM_F_DUMP_INTR: the set changed meanwhile) it starts over, at most
    /// <see cref="MaxDumpAttempts"/> times.
    /// </summary>
    public List<T> Dump<T>(Span<byte> request, ReplyParser<T> parse, string operation) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var results = new List<T>();
            var interrupted = false;
            var outcome = default(NetlinkAck);
            var sequence = Send(request, NetlinkFlags.Request | NetlinkFlags.Dump);
            Receive(sequence, (in NetlinkMessage message) =>
            {
                if ((message.Flags & NetlinkFlags.DumpInterrupted) != 0)
                {
                    interrupted = true;
                }
                switch (message.Type)
                {
                    case NetlinkMessageTypes.NLMSG_DONE:
                        outcome = NetlinkAck.FromDone(message);
                        return true;
                    case NetlinkMessageTypes.NLMSG_ERROR:
                        outcome = NetlinkAck.FromError(message);
                        return true;
                    case NetlinkMessageTypes.NLMSG_NOOP:
                        return false;
                    default:
                        if (!interrupted && parse(message) is { } item)
                        {
                            results.Add(item);
                        }
                        return false;
                }
            });
            if (outcome.Errno != 0)
            {
                throw new NetlinkException(operation, null, outcome.Errno, outcome.KernelMessage);
            }
            if (!interrupted)
            {
                return results;
            }
            if (attempt == MaxDumpAttempts)
            {
                throw new NetlinkException(operation, null, Errno.EAGAIN, null,
                    $"the kernel reported the dump inconsistent {MaxDumpAttempts} times in a row " +
                    "(devices or addresses kept changing meanwhile); retry when the system is quieter");
            }
        }
    }

    public void Dispose() => _fd.Dispose();

    /// <summary>Stamps the next sequence number and the flags into the request's header, then sends it.</summary>
    private uint Send(Span<byte> request, NetlinkFlags flags)
    {
        if (request.Length < NetlinkConstants.MessageHeaderSize
            || BitConverter.ToUInt32(request) != (uint)request.Length)
        {
            throw new ArgumentException("netlink request: expected exactly one complete message (nlmsg_len == buffer length)",
                nameof(request));
        }
        var header = MemoryMarshal.Read<NetlinkMessageHeader>(request);
        header.Sequence = unchecked(++_sequence);
        header.Flags |= flags;
        MemoryMarshal.Write(request, in header);
        var sent = Libc.SendRetryingEintr(_fd.Fd, request, 0);
        if (sent < 0)
        {
            throw new NetlinkException($"send rtnetlink request (type {header.Type})", null, (int)-sent);
        }
        return header.Sequence;
    }

    /// <summary>Reads datagrams and hands each message of this sequence to handle until it returns true.</summary>
    private void Receive(uint sequence, MessageVisitor handle)
    {
        while (true)
        {
            var length = ReceiveDatagram();
            foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(0, length)))
            {
                if (message.Sequence != sequence)
                {
                    continue;
                }
                if (message.Type == NetlinkMessageTypes.NLMSG_OVERRUN)
                {
                    throw new NetlinkException("receive rtnetlink reply", null, Errno.EIO, null, "the kernel reported an overrun");
                }
                if (handle(message))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Receives one datagram whole, growing the buffer first when it would not fit.</summary>
    private int ReceiveDatagram()
    {
        var size = Libc.ReceiveRetryingEintr(_fd.Fd, _receiveBuffer, Libc.MSG_PEEK | Libc.MSG_TRUNC);
        if (size < 0)
        {
            throw new NetlinkException("receive rtnetlink reply", null, (int)-size);
        }
        if (size > _receiveBuffer.Length)
        {
            _receiveBuffer = new byte[NetlinkConstants.Align((int)size)];
        }
        var received = Libc.ReceiveRetryingEintr(_fd.Fd, _receiveBuffer, 0);
        if (received < 0)
        {
            throw new NetlinkException("receive rtnetlink reply", null, (int)-received);
        }
        return (int)received;
    }

    /// <summary>Turns a SOL_NETLINK option on; false when this kernel does not know it.</summary>
    private static unsafe bool SetOption(int fd, int option)
    {
        var one = 1;
        if (Libc.setsockopt(fd, NetlinkConstants.SOL_NETLINK, option, &one, sizeof(int)) == 0)
        {
            return true;
        }
        var errno = Libc.LastErrno;
        if (errno != 92 /* ENOPROTOOPT: a kernel older than the option */)
        {
            throw new NetlinkException($"set netlink socket option {option}", null, errno);
        }
        return false;
    }

    private delegate bool MessageVisitor(in NetlinkMessage message);
}

/// <summary>Receives a reply that precedes the ack of a request (e.g. the RTM_NEWLINK answering RTM_GETLINK).</summary>
internal delegate void ReplyHandler(in NetlinkMessage message);

/// <summary>Turns one dump reply into a value, or null to leave it out.</summary>
internal delegate T? ReplyParser<T>(in NetlinkMessage message) where T : class;
