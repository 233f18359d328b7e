using System.Buffers.Binary;
using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Init;

// The create parent and the container's init talk over one AF_UNIX stream socketpair: the
// init's end is mapped to fd N in the child (N = 3 + the preserved fds; the init reads N from
// _HUTCH_INITFD). Each message is a 4-byte little-endian length and one JSON object whose
// "type" names it (InitMessageCodec). Every error in the init travels back as an InitError
// and becomes create's error, text unchanged.
//
//   hutch create (parent, host namespaces)              hutch init (child, container namespaces)
//   ---------------------------------------             ----------------------------------------
//   terminal: connect to --console-socket (or, for
//   `run` in the foreground, ConsoleSocket.CreatePair)
//   claim <root>/<id>, exec.fifo, config.json copy
//   InitExecutable: read-only overlay view of hutch
//     (or a sealed memfd copy), socketpair, sync pipe
//   Spawner.Spawn(new + joined namespaces) ------------> clone; setns (user first); held on sync fd
//   uid_map / gid_map (user namespace)
//   [cgroups: issue 5]  [net devices: NetDevices mover]
//   SyncPipe.Release() --------------------------------> execveat(exe fd, "hutch init")
//   InitBootstrap {config, bundle, rootfs, fifo, ...} -> RootfsBuilder.Prepare (mounts, /dev)
//                     <------------------------------- for each id-mapped bind mount (idmap, ridmap,
//                                                        uidMappings): InitIdMapRequest {index} +
//                                                        the source's O_PATH fd (SCM_RIGHTS)
//   in the init's mount namespace (a thread):
//   open_tree(CLONE), mount_setattr(IDMAP, userns)
//   InitIdMapped + the detached tree's fd -----------> move_mount it onto the destination
//                     <------------------------------- InitRunHooks (prestart + createRuntime)
//   run the hooks (runtime namespace, state on stdin)
//   InitHooksDone  ------------------------------------> createContainer hooks
//                                                        PivotRoot
//   console socket (listener or run)  <--------------- terminal: Pty.OpenInRoot(/dev/ptmx),
//     receives the pty master (one SCM_RIGHTS fd)        consoleSize, bind peer on /dev/console,
//                                                        send the master, close it
//                                                        FinishAfterPivot
//                                                        resolve the process's executable
//                     <------------------------------- InitReady            (or InitError any time)
//   InitCommit ----------------------------------------> clear PR_SET_PDEATHSIG (set at the spawn:
//                     <------------------------------- InitCommitted  until now the init died with
//   unpin the netns, state.json (created): committed;                    a killed create)
//   --pid-file; exit 0                                   open exec.fifo for writing: blocks until
//                                                        `hutch start` opens it for reading
//   hutch start: read 1 byte  <----------------------- write "0"; startContainer hooks;
//                                                        terminal: fchown peer, setsid, TIOCSCTTY,
//                                                        peer onto 0,1,2; execve
//                read to EOF  <----------------------- (an error text instead of EOF when the
//                                                        hooks or the exec failed)
//   poststart hooks, state.json (running)

/// <summary>One message of the create/init protocol (the diagram above); InitMessageCodec has its wire form.</summary>
internal abstract class InitMessage;

/// <summary>Parent to init, first: everything the init needs (never through the environment).</summary>
internal sealed class InitBootstrap : InitMessage
{
    public required string Id { get; init; }

    /// <summary>config.json as read and validated by the parent.</summary>
    public required string ConfigJson { get; init; }

    public required string Bundle { get; init; }

    /// <summary>The absolute rootfs path on the host.</summary>
    public required string Rootfs { get; init; }

    public bool NoPivot { get; init; }

    /// <summary>--no-new-keyring: keep the runtime's session keyring instead of joining "_ses.&lt;id&gt;".</summary>
    public bool NoNewKeyring { get; init; }

    /// <summary>&lt;root&gt;/&lt;id&gt;/exec.fifo: the init blocks on it until `start`.</summary>
    public required string ExecFifoPath { get; init; }

    /// <summary>&lt;root&gt;/&lt;id&gt;.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The init's pid in the runtime's pid namespace (the OCI state's pid for hooks).</summary>
    public int HostPid { get; init; }

    /// <summary>The fds 3 .. 3+n-1 the process inherits (LISTEN_FDS + --preserve-fds).</summary>
    public int PreservedFds { get; init; }

    /// <summary>LISTEN_FDS to pass to the process (null: none).</summary>
    public int? ListenFds { get; init; }

    /// <summary>The init has a user namespace of its own: device nodes are bind-mounted.</summary>
    public bool UserNamespace { get; init; }

    /// <summary>The init has a mount namespace of its own (else the rootfs is not built).</summary>
    public bool MountNamespace { get; init; }

    /// <summary>A new cgroup namespace: the init unshares it first thing, already in the container's cgroup.</summary>
    public bool UnshareCgroupNamespace { get; init; }

    /// <summary>
    /// process.terminal: the fd (in the init) of the connected console socket the pty master
    /// goes to; null without a terminal. Connected by the parent: the host path is out of
    /// the init's reach after pivot_root.
    /// </summary>
    public int? ConsoleSocketFd { get; init; }
}

/// <summary>Init to parent: the mounts are ready; run prestart and createRuntime hooks now.</summary>
internal sealed class InitRunHooks : InitMessage;

/// <summary>Parent to init: the hooks ran.</summary>
internal sealed class InitHooksDone : InitMessage;

/// <summary>Init to parent: the container is created; the init now waits on exec.fifo.</summary>
internal sealed class InitReady : InitMessage
{
    /// <summary>What the parent logs as warnings (e.g. an LSM label ignored on a host without that LSM).</summary>
    public List<string> Warnings { get; init; } = [];
}

/// <summary>
/// Parent to init, after ready: the create commits; stop dying with the parent. Until this, the
/// init has PR_SET_PDEATHSIG(SIGKILL) (SpawnPlan.DieWithParent): a create killed at any point
/// before takes its init along, and `delete --force` replays the create's journal.
/// </summary>
internal sealed class InitCommit : InitMessage;

/// <summary>Init to parent: the parent-death signal is cleared; the init outlives the create now.</summary>
internal sealed class InitCommitted : InitMessage;

/// <summary>
/// Init to parent, while it mounts the config's mounts: mounts[MountIndex] is id-mapped (idmap,
/// ridmap, uidMappings/gidMappings); the init sends its O_PATH fd of the bind source right after
/// (InitChannel.SendFd). Setting MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the host filesystem's
/// user namespace, which the init (root of the container's user namespace only) lacks.
/// </summary>
internal sealed class InitIdMapRequest : InitMessage
{
    public int MountIndex { get; init; }
}

/// <summary>
/// Parent to init: the detached, id-mapped clone of the source follows (InitChannel.SendFd); the
/// init attaches it at the mount's destination. A failure comes as InitError instead.
/// </summary>
internal sealed class InitIdMapped : InitMessage;

/// <summary>Either way: a step failed; Message is the error as the user sees it.</summary>
internal sealed class InitError : InitMessage
{
    public required string Message { get; init; }
}

/// <summary>One end of the create/init socket: framed, typed messages.</summary>
internal sealed class InitChannel : IDisposable
{
    /// <summary>The environment variable naming the init's socket fd.</summary>
    public const string FdVariable = "_HUTCH_INITFD";

    private const int MaxMessage = 64 << 20;

    private readonly SafeFd _socket;

    public InitChannel(SafeFd socket) => _socket = socket;

    public SafeFd Socket => _socket;

    public void Send(InitMessage message)
    {
        var body = InitMessageCodec.Encode(message);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        var sent = 0;
        while (sent < frame.Length)
        {
            var n = Libc.Write(_socket, frame.AsSpan(sent));
            if (n < 0)
            {
                throw new InitException($"send {Name(message)} over the init socket: {Errno.Describe(-n)}"
                    + (-n == Errno.EPIPE ? " (the other side is gone)" : ""));
            }
            sent += n;
        }
    }

    /// <summary>
    /// Sends <paramref name="fd"/> as one byte carrying it in SCM_RIGHTS, right after the message
    /// it belongs to (InitIdMapRequest, InitIdMapped); the other side takes it with <see cref="ReceiveFd"/>.
    /// A message's frame and this byte go out in separate sendmsg calls, so a read of the frame
    /// never consumes the byte that carries the fd.
    /// </summary>
    public void SendFd(SafeFd fd, string what)
    {
        ReadOnlySpan<byte> marker = [(byte)'F'];
        var n = Libc.SendWithFd(_socket, marker, fd);
        if (n < 0)
        {
            throw new InitException($"send {what} over the init socket: {Errno.Describe((int)-n)}"
                + (-n == Errno.EPIPE ? " (the other side is gone)" : ""));
        }
    }

    /// <summary>The fd <see cref="SendFd"/> sent after the message just received.</summary>
    public SafeFd ReceiveFd(string what)
    {
        Span<byte> marker = stackalloc byte[1];
        var fds = new List<SafeFd>();
        var n = Libc.ReceiveWithFds(_socket, marker, fds, out var truncated);
        if (n == 1 && marker[0] == (byte)'F' && fds.Count == 1 && !truncated)
        {
            return fds[0];
        }
        foreach (var extra in fds)
        {
            extra.Dispose();
        }
        throw new InitException(n < 0
            ? $"receive {what} over the init socket: {Errno.Describe((int)-n)}"
            : $"expected {what} over the init socket, got {(n == 0 ? "end of stream" : $"{fds.Count} file descriptors")} (a protocol error between hutch versions?)");
    }

    /// <summary>The next message, or null when the other side closed the socket.</summary>
    public InitMessage? Receive()
    {
        Span<byte> header = stackalloc byte[4];
        if (!ReadExactly(header, allowEof: true))
        {
            return null;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is <= 0 or > MaxMessage)
        {
            throw new InitException($"the init socket carried a frame of {length} bytes (a protocol error between hutch versions?)");
        }
        var body = new byte[length];
        ReadExactly(body, allowEof: false);
        return InitMessageCodec.Decode(body);
    }

    public void Dispose() => _socket.Dispose();

    private bool ReadExactly(Span<byte> buffer, bool allowEof)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = Libc.Read(_socket, buffer[filled..]);
            if (n < 0)
            {
                throw new InitException($"read from the init socket: {Errno.Describe(-n)}");
            }
            if (n == 0)
            {
                if (allowEof && filled == 0)
                {
                    return false;
                }
                throw new InitException("the init socket closed in the middle of a message");
            }
            filled += n;
        }
        return true;
    }

    private static string Name(InitMessage message) => message.GetType().Name;
}
