using System.Globalization;
using Google.Protobuf;
using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;
using Hutch.Runtime.Checkpoint.Rpc;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// One conversation with `criu swrk 3`, CRIU's RPC service mode, as runc holds it:
/// <code>
///   hutch                                   criu swrk 3 (fd 3: its end of a SOCK_SEQPACKET pair)
///     CriuRequest{type, opts}  ----------->
///                              &lt;-----------  CriuResponse{NOTIFY, script, pid}   (notify_scripts: each
///     CriuRequest{NOTIFY, notify_success} -->                                     action script point)
///                              &lt;-----------  CriuResponse{type, success, ...}     (the answer)
///     (close) ..................................... criu exits; its status is checked
/// </code>
/// One protobuf message per packet. A notification may carry an fd (SCM_RIGHTS: the pty master
/// of "orphan-pts-master"). criu inherits hutch's stdio (restore hands pipes on to the restored
/// process through inherit_fd) and the <see cref="ExtraFds"/> from fd 4 on.
/// </summary>
internal sealed class CriuSession
{
    /// <summary>What a notification handler gets: the script name, the pid CRIU reports, an fd it sent (or null).</summary>
    internal delegate void NotifyHandler(string script, int pid, SafeFd? fd);

    // runc reads with 10 pages; CRIU's answers are small (a version, a pid, an errno and message).
    private const int BufferSize = 10 * 4096;

    public CriuSession(string criuPath)
    {
        CriuPath = criuPath;
    }

    public string CriuPath { get; }

    /// <summary>Fds criu gets as 4, 5, ... (namespace files for inherit_fd); the caller owns them.</summary>
    public List<SafeFd> ExtraFds { get; } = [];

    /// <summary>The fd number criu will see the next <see cref="ExtraFds"/> entry as.</summary>
    public int NextExtraFd => 4 + ExtraFds.Count;

    /// <summary>Where criu is born (restore: in the container's cgroup, so the restored tree is too); null: hutch's.</summary>
    public CgroupPlacement? Cgroup { get; init; }

    /// <summary>Called with criu's pid once it runs, before the request goes out (restore: cgroup roots).</summary>
    public Action<int, CriuRequest>? Started { get; init; }

    /// <summary>Names the log file in errors ("see LOG").</summary>
    public string? LogPath { get; init; }

    /// <summary>Sends <paramref name="request"/>, answers notifications with <paramref name="notify"/>, returns CRIU's answer.</summary>
    public CriuResponse Call(CriuRequest request, NotifyHandler? notify = null)
    {
        var rc = Libc.UnixSocketPair(Libc.TerminalConstants.SOCK_SEQPACKET, out var ours, out var theirs);
        if (rc < 0)
        {
            throw new CriuException($"create the socket pair for criu: {Errno.Describe(-rc)}");
        }
        using (ours)
        {
            SpawnedProcess criu;
            using (theirs)
            {
                var fds = new List<FdMapping> { new(theirs, 3) };
                for (var i = 0; i < ExtraFds.Count; i++)
                {
                    fds.Add(new FdMapping(ExtraFds[i], 4 + i));
                }
                try
                {
                    criu = Spawner.Spawn(new SpawnPlan
                    {
                        Path = CriuPath,
                        Argv = ["criu", "swrk", "3"],
                        Envp = Environment(),
                        Fds = fds,
                        Cgroup = Cgroup,
                    });
                }
                catch (SpawnException e)
                {
                    throw new CriuException($"start {CriuPath} swrk: {e.Message}", e);
                }
            }
            using (criu)
            {
                CriuResponse? answer = null;
                try
                {
                    Started?.Invoke(criu.Pid, request);
                    Send(ours, request);
                    answer = Converse(ours, request, notify);
                }
                finally
                {
                    // EOF on its socket ends criu (also after a failure here: it must not linger).
                    _ = Libc.shutdown(ours.Fd, Libc.SHUT_RDWR);
                    var status = criu.WaitForExit();
                    if (answer is not null && status is not { Exited: true, ExitCode: 0 } && request.Type != CriuReqType.PreDump)
                    {
                        throw new CriuException($"criu {Describe(request.Type)} answered, then exited with {status}{SeeLog()}");
                    }
                }
                return answer;
            }
        }
    }

    private CriuResponse Converse(SafeFd socket, CriuRequest request, NotifyHandler? notify)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var fds = new List<SafeFd>();
            try
            {
                var n = Libc.ReceiveWithFds(socket, buffer, fds, out var truncated);
                if (n < 0)
                {
                    throw new CriuException($"read criu's answer: {Errno.Describe((int)-n)}{SeeLog()}");
                }
                if (n == 0)
                {
                    throw new CriuException($"criu {Describe(request.Type)} exited without answering{SeeLog()}");
                }
                if (truncated || n >= buffer.Length)
                {
                    throw new CriuException($"criu's answer to {Describe(request.Type)} does not fit in {BufferSize} bytes");
                }
                CriuResponse response;
                try
                {
                    response = CriuResponse.Parser.ParseFrom(buffer, 0, (int)n);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new CriuException($"criu's answer to {Describe(request.Type)} is not a CRIU RPC message: {e.Message}", e);
                }
                if (!response.Success)
                {
                    var errno = response.HasCrErrno && response.CrErrno != 0 ? $" ({Errno.Describe(response.CrErrno)})" : "";
                    var message = LogErrors() is { Length: > 0 } logged ? $": {logged}"
                        : response.HasCrErrmsg && response.CrErrmsg.Length > 0 ? $": {response.CrErrmsg.TrimEnd()}" : "";
                    throw new CriuException($"criu {Describe(request.Type)} failed{message}{errno}{SeeLog()}");
                }
                if (response.Type != CriuReqType.Notify)
                {
                    return response;
                }
                var succeeded = false;
                try
                {
                    notify?.Invoke(response.Notify?.Script ?? "", response.Notify?.Pid ?? 0, fds.Count > 0 ? fds[0] : null);
                    succeeded = true;
                }
                finally
                {
                    // A failed handler tells criu, which then undoes its work (kills a restored tree).
                    Send(socket, new CriuRequest { Type = CriuReqType.Notify, NotifySuccess = succeeded }, quiet: !succeeded);
                }
            }
            finally
            {
                foreach (var fd in fds)
                {
                    fd.Dispose();
                }
            }
        }
    }

    private void Send(SafeFd socket, CriuRequest request, bool quiet = false)
    {
        var bytes = request.ToByteArray();
        var n = Libc.SendRetryingEintr(socket.Fd, bytes, Libc.TerminalConstants.MSG_NOSIGNAL);
        if (n != bytes.Length && !quiet)
        {
            throw new CriuException($"send the {Describe(request.Type)} request to criu: {(n < 0 ? Errno.Describe((int)-n) : "short write")}{SeeLog()}");
        }
    }

    /// <summary>
    /// The log's last errors (CRIU's cr_errmsg is its first, often the harmless "Can't setup
    /// RLIMIT_NOFILE" of a host without CAP_SYS_RESOURCE), without its time stamps.
    /// </summary>
    private string LogErrors()
    {
        if (LogPath is null || !File.Exists(LogPath))
        {
            return "";
        }
        try
        {
            var errors = File.ReadLines(LogPath)
                .Where(line => line.Contains("Error (", StringComparison.Ordinal) && !line.Contains("RLIMIT_NOFILE", StringComparison.Ordinal)
                    && !line.Contains("FAILED", StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf("Error (", StringComparison.Ordinal) + 6)..].Trim())
                .ToList();
            return string.Join(" / ", errors.Skip(Math.Max(0, errors.Count - 3)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private string SeeLog() => LogPath is null ? "" : $"; see {LogPath}";

    internal static string Describe(CriuReqType type) => type switch
    {
        CriuReqType.Dump => "dump",
        CriuReqType.PreDump => "pre-dump",
        CriuReqType.Restore => "restore",
        CriuReqType.Version => "version",
        CriuReqType.FeatureCheck => "feature check",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>hutch's environment for criu (it runs iptables and the action scripts with it).</summary>
    private static string[] Environment() =>
        System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(name => name + "=" + System.Environment.GetEnvironmentVariable(name))
            .ToArray();

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
