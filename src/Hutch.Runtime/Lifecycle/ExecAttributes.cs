using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using Hutch.Runtime.Processes;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The process attributes `exec` applies from the host to the held child, by pid, before it is
/// released (runc's parent does the same for rlimits): rlimits (prlimit), oom_score_adj (the
/// host's /proc, never the container's), the scheduler, the I/O priority and the CPU affinity.
/// Each failure throws <see cref="ProcessSetupException"/> naming the value.
/// </summary>
internal static class ExecAttributes
{
    public static unsafe void Apply(int pid, ProcessPlan plan)
    {
        foreach (var rlimit in plan.Rlimits)
        {
            var limit = new Libc.Rlimit { Current = rlimit.Soft, Maximum = rlimit.Hard };
            if (Libc.prlimit(pid, rlimit.Resource, &limit, null) < 0)
            {
                var errno = Libc.LastErrno;
                throw ProcessSteps.Fail("rlimits", $"prlimit {rlimit.Name} soft {rlimit.Soft} hard {rlimit.Hard} on pid {pid}", errno,
                    errno == Errno.EPERM ? "raising a hard limit needs CAP_SYS_RESOURCE" : null);
            }
        }
        if (plan.OomScoreAdj is { } oom)
        {
            WriteProcFile(pid, "oom_score_adj", oom.ToString(CultureInfo.InvariantCulture));
        }
        if (plan.Scheduler is { } attr)
        {
            var rc = Libc.hutch_sched_setattr(pid, &attr);
            if (rc < 0)
            {
                throw ProcessSteps.Fail("scheduler", $"sched_setattr policy {attr.Policy} priority {attr.Priority} nice {attr.Nice} on pid {pid}", -rc,
                    -rc == Errno.EPERM ? "real-time policies and negative nice values need CAP_SYS_NICE" : null);
            }
        }
        if (plan.IoPriority is { } ioprio)
        {
            var rc = Libc.hutch_ioprio_set(Libc.IOPRIO_WHO_PROCESS, pid, ioprio);
            if (rc < 0)
            {
                throw ProcessSteps.Fail("io priority", $"ioprio_set class {ioprio >> 13} priority {ioprio & 7} on pid {pid}", -rc);
            }
        }
    }

    /// <summary>sched_setaffinity of <paramref name="pid"/> (execCPUAffinity.initial before the cgroup join, .final after).</summary>
    public static unsafe void SetAffinity(int pid, ulong[] mask, string what)
    {
        fixed (ulong* p = mask)
        {
            if (Libc.sched_setaffinity(pid, (nuint)(mask.Length * sizeof(ulong)), p) < 0)
            {
                throw ProcessSteps.Fail("cpu affinity", $"sched_setaffinity ({what}) on pid {pid}", Libc.LastErrno);
            }
        }
    }

    private static void WriteProcFile(int pid, string name, string value)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{name}";
        var rc = PathSyscalls.OpenAt(null, path, PathSyscalls.O_WRONLY | PathSyscalls.O_NOFOLLOW, 0, out var fd);
        using (fd)
        {
            if (rc >= 0)
            {
                rc = PathSyscalls.WriteAll(fd, Encoding.ASCII.GetBytes(value));
            }
            if (rc < 0)
            {
                throw ProcessSteps.Fail("oom score", $"write {value} to {path}", -rc,
                    -rc == Errno.EACCES ? "lowering oom_score_adj needs CAP_SYS_RESOURCE" : null);
            }
        }
    }
}
