using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Spawn;

/// <summary>
/// A child started by <see cref="Spawner"/>: its pid, a pidfd (invalid only on kernels before
/// 5.2), the exec confirmation and the wait. Dispose closes the fds; it neither kills nor
/// reaps, so call <see cref="WaitForExit()"/> for every child that was not handed off.
/// </summary>
internal sealed class SpawnedProcess : IDisposable
{
    // What the child reports when the sync fd reached EOF (asm-generic errno).
    private const int ECANCELED = 125;

    private readonly SafeFd _errorRead;
    private readonly SpawnPlan _plan;
    private readonly IReadOnlyList<NamespaceJoin> _joins;
    private readonly Lock _lock = new();
    private bool _execConfirmed;
    private SpawnException? _execFailure;
    private ExitStatus? _exit;

    internal SpawnedProcess(int pid, SafeFd pidfd, SafeFd errorRead, SpawnPlan plan, IReadOnlyList<NamespaceJoin> joins)
    {
        Pid = pid;
        PidFd = pidfd;
        _errorRead = errorRead;
        _plan = plan;
        _joins = joins;
    }

    /// <summary>
    /// A child hutch did not spawn itself but that is its child all the same (CRIU restores a
    /// tree as the sibling of `criu swrk`, so as hutch's child): waitable and signalable like a
    /// spawned one, already past its exec.
    /// </summary>
    internal static SpawnedProcess Adopt(int pid, string name)
    {
        var fd = Libc.hutch_pidfd_open(pid, 0);
        var adopted = new SpawnedProcess(pid, fd >= 0 ? new SafeFd(fd) : new SafeFd(), new SafeFd(), new SpawnPlan { Path = name }, [])
        {
            _execConfirmed = true,
        };
        return adopted;
    }

    /// <summary>The pid in hutch's pid namespace.</summary>
    public int Pid { get; }

    public SafeFd PidFd { get; }

    /// <summary>Set once the child was reaped.</summary>
    public ExitStatus? ExitStatus => _exit;

    /// <summary>
    /// Blocks until the child called execve (returns) or failed before it (reaps the child and
    /// throws the SpawnException it reported). For a held child, call after releasing it.
    /// </summary>
    public void WaitForExec()
    {
        lock (_lock)
        {
            if (_execFailure is not null)
            {
                throw _execFailure;
            }
            if (_execConfirmed)
            {
                return;
            }
            var failure = ReadReport(_errorRead, _plan, _joins);
            _errorRead.Dispose();
            if (failure is null)
            {
                _execConfirmed = true;
                return;
            }
            _execFailure = failure;
        }
        WaitForExit();
        throw _execFailure;
    }

    /// <summary>Blocks until the child exits and reaps it (once; later calls return the same status).</summary>
    public ExitStatus WaitForExit()
    {
        // The blocking wait happens outside the lock, without reaping: Kill takes the lock, and
        // `run` forwards signals to the child from another thread while it waits here.
        if (_exit is null)
        {
            _ = PidFd.IsInvalid
                ? Libc.WaitId(Libc.P_PID, Pid, Libc.WEXITED | Libc.WNOWAIT, out _, out _, out _)
                : Libc.PollReadable(PidFd, -1);
        }
        lock (_lock)
        {
            if (_exit is { } done)
            {
                return done;
            }
            var rc = PidFd.IsInvalid
                ? Libc.WaitId(Libc.P_PID, Pid, Libc.WEXITED, out _, out var code, out var status)
                : Libc.WaitId(Libc.P_PIDFD, PidFd.Fd, Libc.WEXITED, out _, out code, out status);
            if (rc < 0)
            {
                throw new SpawnException(SpawnStep.Wait, _plan.Path, "pid " + Pid.ToString(CultureInfo.InvariantCulture), -rc,
                    -rc == Errno.ECHILD ? "someone else reaped it" : null);
            }
            var exit = code switch
            {
                Libc.CLD_EXITED => new ExitStatus(status, 0),
                Libc.CLD_DUMPED => new ExitStatus(0, status, CoreDumped: true),
                _ => new ExitStatus(0, status),
            };
            _exit = exit;
            return exit;
        }
    }

    /// <summary>Waits at most <paramref name="timeout"/> for the child to exit; false when it is still running.</summary>
    public bool TryWaitForExit(TimeSpan timeout, out ExitStatus status)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (_exit is null)
        {
            var left = (int)Math.Max(0, deadline - Environment.TickCount64);
            if (!PidFd.IsInvalid)
            {
                // A pidfd polls readable once the process has exited.
                var rc = Libc.PollReadable(PidFd, left);
                if (rc < 0)
                {
                    throw new SpawnException(SpawnStep.Wait, _plan.Path, "pidfd of pid " + Pid.ToString(CultureInfo.InvariantCulture), -rc);
                }
                if (rc == 0)
                {
                    status = default;
                    return false;
                }
                break;
            }
            if (Libc.WaitId(Libc.P_PID, Pid, Libc.WEXITED | Libc.WNOWAIT | Libc.WNOHANG, out var pid, out _, out _) == 0 && pid != 0)
            {
                break;
            }
            if (left == 0)
            {
                status = default;
                return false;
            }
            Thread.Sleep(Math.Min(left, 10));
        }
        status = WaitForExit();
        return true;
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process has already exited.</summary>
    public bool Kill(int signal)
    {
        lock (_lock)
        {
            if (_exit is not null)
            {
                return false; // reaped: the pid may belong to someone else now
            }
            var rc = PidFd.IsInvalid
                ? (Libc.kill(Pid, signal) == 0 ? 0 : -Libc.LastErrno)
                : Libc.PidfdSendSignal(PidFd, signal);
            if (rc == -Errno.ESRCH)
            {
                return false;
            }
            if (rc < 0)
            {
                throw new SpawnException(SpawnStep.Signal, _plan.Path,
                    $"pid {Pid.ToString(CultureInfo.InvariantCulture)} with signal {signal.ToString(CultureInfo.InvariantCulture)}", -rc);
            }
            return true;
        }
    }

    public void Dispose()
    {
        _errorRead.Dispose();
        PidFd.Dispose();
    }

    /// <summary>
    /// Reads the child's report from the error pipe: null at EOF (every child exec'd or
    /// exited without a word), else the failure as a SpawnException.
    /// </summary>
    internal static unsafe SpawnException? ReadReport(SafeFd errorRead, SpawnPlan plan, IReadOnlyList<NamespaceJoin> joins)
    {
        Libc.HutchSpawnReport report;
        var buffer = new Span<byte>(&report, sizeof(Libc.HutchSpawnReport));
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = Libc.Read(errorRead, buffer[filled..]);
            if (n < 0)
            {
                return new SpawnException(SpawnStep.Wait, plan.Path, "the spawn error pipe", -n);
            }
            if (n == 0)
            {
                break;
            }
            filled += n;
        }
        if (filled == 0)
        {
            return null;
        }
        if (filled < buffer.Length)
        {
            return new SpawnException(SpawnStep.Wait, plan.Path, "the spawn error pipe", Errno.EIO,
                $"a short report of {filled.ToString(CultureInfo.InvariantCulture)} bytes");
        }
        return Describe(report, plan, joins);
    }

    private static SpawnException Describe(Libc.HutchSpawnReport report, SpawnPlan plan, IReadOnlyList<NamespaceJoin> joins)
    {
        var step = (SpawnStep)report.Step;
        var errno = report.Err;
        switch (step)
        {
            case SpawnStep.Setns when report.Index >= 0 && report.Index < joins.Count:
                var join = joins[report.Index];
                return new SpawnException(step, plan.Path, join.Source, errno, errno switch
                {
                    Errno.EINVAL => $"is it a {join.Kind.OciName()} namespace?",
                    Errno.EPERM => "joining needs CAP_SYS_ADMIN over the namespace's owner",
                    _ => null,
                });
            case SpawnStep.FdMap when report.Index >= 0 && report.Index < plan.Fds.Count:
                var map = plan.Fds[report.Index];
                return new SpawnException(step, plan.Path, $"fd {map.Source.Fd.ToString(CultureInfo.InvariantCulture)} as fd {map.Target.ToString(CultureInfo.InvariantCulture)}", errno);
            case SpawnStep.Sync:
                return new SpawnException(step, plan.Path, "the sync fd", errno,
                    errno == ECANCELED ? "the parent closed it without a byte; the child exited without exec" : null);
            case SpawnStep.SetId:
                var call = report.Index switch { 0 => "setresgid(0, 0, 0)", 1 => "setresuid(0, 0, 0)", _ => "setgroups(0, NULL)" };
                return new SpawnException(step, plan.Path, call, errno, errno switch
                {
                    Errno.EINVAL => "id 0 is not mapped in the user namespace: the uid and gid maps must map container id 0",
                    Errno.EPERM when report.Index == 2 => "setgroups is \"deny\" in the user namespace",
                    Errno.EPERM => "the process lacks CAP_SETUID/CAP_SETGID in its user namespace",
                    _ => null,
                });
            case SpawnStep.TimeNs:
                var timeCall = report.Index switch
                {
                    0 => "unshare(CLONE_NEWTIME)",
                    1 => "open /proc/self/timens_offsets",
                    _ => "write \"" + plan.RenderedTimeOffsets.Replace("\n", "; ", StringComparison.Ordinal).TrimEnd(' ', ';') + "\" to /proc/self/timens_offsets",
                };
                return new SpawnException(step, plan.Path, timeCall, errno, errno switch
                {
                    Errno.EPERM => "creating a time namespace needs CAP_SYS_ADMIN",
                    Errno.EINVAL when report.Index == 0 => "the kernel has no time namespaces (CONFIG_TIME_NS, Linux 5.6+)",
                    Errno.EINVAL or Errno.ERANGE => "an offset is out of the range the kernel accepts (monotonic and boottime only, within about +-146 years; nanosecs below 1000000000)",
                    _ => null,
                });
            case SpawnStep.Cgroup:
                var file = plan.Cgroup is null ? "?" : plan.Cgroup.FileName(report.Index);
                return new SpawnException(step, plan.Path, file, errno, errno switch
                {
                    Errno.ENOSPC or Errno.EINVAL => "a v1 cpuset cgroup needs cpuset.cpus and cpuset.mems set first",
                    Errno.EBUSY or Errno.EOPNOTSUPP => "a cgroup2 directory with controllers enabled for its children cannot hold processes",
                    _ => null,
                });
            case SpawnStep.ProcessSetup:
                var (what, hint) = ProcessSetupSteps.Describe(report.Index, errno, plan);
                return new SpawnException(step, plan.Path, what, errno, hint);
            case SpawnStep.Exec:
                var target = plan.ExecFd is null ? plan.Path : $"fd {plan.ExecFd.Fd.ToString(CultureInfo.InvariantCulture)} ({plan.Path})";
                return new SpawnException(step, plan.Path, target, errno, errno switch
                {
                    Errno.ENOENT => "check that the file exists in the mount namespace the process runs in",
                    Errno.EACCES => "the file must be a regular file with execute permission",
                    _ => null,
                });
            default:
                return new SpawnException(step, plan.Path, plan.Path, errno);
        }
    }
}
