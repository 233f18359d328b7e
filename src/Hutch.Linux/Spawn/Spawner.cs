using Hutch.Linux.Interop;

namespace Hutch.Linux.Spawn;

/// <summary>
/// Starts processes through native hutch_spawn: no managed code runs between clone and
/// execve (DESIGN.md section 2). Never System.Diagnostics.Process inside the runtime.
/// </summary>
internal static class Spawner
{
    /// <summary>
    /// Spawns <paramref name="plan"/>. Without a sync fd, returns once execve succeeded
    /// (throws SpawnException naming the failed step otherwise). With one, returns while the
    /// child waits; release it, then call <see cref="SpawnedProcess.WaitForExec"/>.
    /// </summary>
    public static unsafe SpawnedProcess Spawn(SpawnPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        var joins = plan.OrderedJoins;

        var rc = Libc.Pipe(out var errorRead, out var errorWrite);
        if (rc < 0)
        {
            throw new SpawnException(SpawnStep.Spawn, plan.Path, "(error pipe)", -rc, "raise the fd limit (ulimit -n)");
        }
        int pid;
        var pidfd = -1;
        try
        {
            using (errorWrite)
            using (var native = new NativePlan(plan, joins, errorWrite))
            {
                pid = Libc.hutch_spawn(native.Plan, &pidfd);
            }
            // From here on only children hold the write end: EOF means they all exec'd or died.
        }
        catch
        {
            errorRead.Dispose();
            throw;
        }

        if (pid < 0)
        {
            using (errorRead)
            {
                // -ECHILD from a two-stage spawn: the intermediate child reported why.
                var report = pid == -Errno.ECHILD ? SpawnedProcess.ReadReport(errorRead, plan, joins) : null;
                throw report ?? new SpawnException(SpawnStep.Spawn, plan.Path, "a child", -pid, CloneHint(plan, -pid));
            }
        }

        var process = new SpawnedProcess(pid, pidfd >= 0 ? new SafeFd(pidfd) : new SafeFd(), errorRead, plan, joins);
        if (plan.SyncFd is null)
        {
            process.WaitForExec();
        }
        return process;
    }

    // The clone itself failed: with a cgroup to be born in (CLONE_INTO_CGROUP), the kernel's
    // refusal is about that directory.
    private static string? CloneHint(SpawnPlan plan, int errno) => errno switch
    {
        Errno.EBUSY or Errno.EOPNOTSUPP when plan.Cgroup is not null =>
            "the cgroup2 directory cannot take a process: it has controllers enabled for its children, or is a threaded cgroup; use a leaf cgroup for linux.cgroupsPath",
        Errno.EACCES when plan.Cgroup is not null =>
            "hutch may not place a process in that cgroup2 directory",
        Errno.EPERM => "creating namespaces needs CAP_SYS_ADMIN (run as root)",
        _ => null,
    };
}
