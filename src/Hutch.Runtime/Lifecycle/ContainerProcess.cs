using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The container's init as a command that is not its parent sees it: a pidfd opened for the
/// recorded pid and checked against the recorded start time after opening, so a reused pid is
/// never signalled (the pidfd then keeps naming the checked process).
/// </summary>
internal sealed class ContainerProcess : IDisposable
{
    private readonly SafeFd _pidfd;

    private ContainerProcess(int pid, SafeFd pidfd)
    {
        Pid = pid;
        _pidfd = pidfd;
    }

    public int Pid { get; }

    /// <summary>The live init of <paramref name="state"/>, or null when it has exited (or the pid was reused).</summary>
    public static ContainerProcess? Open(ContainerState state)
    {
        if (state.Pid <= 0)
        {
            return null;
        }
        var fd = Libc.hutch_pidfd_open(state.Pid, 0);
        if (fd < 0)
        {
            return -fd == Errno.ESRCH ? null
                : throw new LifecycleException($"container {state.Id}: open a pidfd for pid {state.Pid}: {Errno.Describe(-fd)}");
        }
        var pidfd = new SafeFd(fd);
        if (!ProcessProbe.IsAlive(state.Pid, state.PidStartTime))
        {
            pidfd.Dispose();
            return null;
        }
        return new ContainerProcess(state.Pid, pidfd);
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process has exited meanwhile.</summary>
    public bool Signal(int signal)
    {
        var rc = Libc.PidfdSendSignal(_pidfd, signal);
        if (rc == -Errno.ESRCH)
        {
            return false;
        }
        if (rc < 0)
        {
            throw new LifecycleException($"signal {signal} to pid {Pid}: {Errno.Describe(-rc)}");
        }
        return true;
    }

    /// <summary>Waits until the process has exited (a pidfd polls readable then); false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        var rc = Libc.PollReadable(_pidfd, (int)timeout.TotalMilliseconds);
        return rc != 0;
    }

    public void Dispose() => _pidfd.Dispose();
}
