using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Runtime.Transactions;

/// <summary>The init: SIGKILL, only while the pid still names the process with the journaled start time.</summary>
internal sealed class InitUndo(InitEntry entry) : IUndoStep
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    public int Pid => entry.Pid;

    public ulong StartTime => entry.StartTime;

    public void Undo(UndoContext context)
    {
        if (context.LiveInit is { } init && init.Pid == entry.Pid)
        {
            init.Kill(Libc.SIGKILL);
            init.WaitForExit();
            return;
        }
        // Not our child: a pidfd, checked against the start time after it is open, names the
        // very process the journal saw (a reused pid is left alone).
        var fd = Libc.hutch_pidfd_open(entry.Pid, 0);
        if (fd == -Errno.ESRCH)
        {
            return;
        }
        if (fd < 0)
        {
            throw new LifecycleException($"container {context.Id}: open a pidfd for its init (pid {entry.Pid}): {Errno.Describe(-fd)}");
        }
        using var pidfd = new SafeFd(fd);
        if (!ProcessProbe.IsAlive(entry.Pid, entry.StartTime))
        {
            return;
        }
        var rc = Libc.PidfdSendSignal(pidfd, Libc.SIGKILL);
        if (rc == -Errno.ESRCH)
        {
            return;
        }
        if (rc < 0)
        {
            throw new LifecycleException($"container {context.Id}: kill its init (pid {entry.Pid}): {Errno.Describe(-rc)}");
        }
        if (Libc.PollReadable(pidfd, (int)ExitWait.TotalMilliseconds) == 0)
        {
            throw new LifecycleException($"container {context.Id}: its init (pid {entry.Pid}) did not exit within {ExitWait.TotalSeconds} s of SIGKILL");
        }
    }
}
