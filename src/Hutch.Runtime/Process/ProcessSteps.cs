using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Linux.Spawn;

namespace Hutch.Runtime.Processes;

/// <summary>
/// The kernel steps of <see cref="ProcessLauncher.Exec"/>, one method each, applied to the
/// calling thread (or process, for process-wide state). Each throws
/// <see cref="ProcessSetupException"/> naming its step and object.
/// </summary>
internal static class ProcessSteps
{
    public static void SetRlimits(IReadOnlyList<PlannedRlimit> rlimits)
    {
        foreach (var rlimit in rlimits)
        {
            var rc = Libc.SetRlimit(rlimit.Resource, rlimit.Soft, rlimit.Hard);
            if (rc < 0)
            {
                throw Fail("rlimits", $"setrlimit {rlimit.Name} soft {rlimit.Soft} hard {rlimit.Hard}", -rc,
                    -rc == Errno.EPERM ? "raising a hard limit needs CAP_SYS_RESOURCE in the container's user namespace" : null);
            }
        }
    }

    /// <summary>oom_score_adj through a private procfs, never the container's /proc (CVE-2025-52881).</summary>
    public static void SetOomScoreAdj(int value, SafeFd? privateProc)
    {
        SafeFd proc;
        try
        {
            proc = privateProc ?? Mounter.CreateDetached("proc", [], MountAttr.NoSuid | MountAttr.NoDev | MountAttr.NoExec);
        }
        catch (MountException e)
        {
            throw new ProcessSetupException("oom score", $"set oom_score_adj {value}: open a private procfs: {e.Message}", e.Errno, e);
        }
        try
        {
            var path = $"{Libc.getpid()}/oom_score_adj";
            var rc = PathSyscalls.OpenAt2(proc, path, PathSyscalls.O_WRONLY,
                PathSyscalls.RESOLVE_BENEATH | PathSyscalls.RESOLVE_NO_SYMLINKS | PathSyscalls.RESOLVE_NO_MAGICLINKS | PathSyscalls.RESOLVE_NO_XDEV,
                out var fd);
            if (rc == -Errno.ENOSYS)
            {
                fd.Dispose();
                rc = PathSyscalls.OpenAt(proc, path, PathSyscalls.O_WRONLY | PathSyscalls.O_NOFOLLOW, 0, out fd);
            }
            using (fd)
            {
                if (rc < 0)
                {
                    throw Fail("oom score", $"open /proc/{path}", -rc);
                }
                rc = PathSyscalls.WriteAll(fd, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
                if (rc < 0)
                {
                    throw Fail("oom score", $"write {value} to /proc/{path}", -rc,
                        -rc == Errno.EACCES ? "lowering oom_score_adj needs CAP_SYS_RESOURCE" : null);
                }
            }
        }
        finally
        {
            if (privateProc is null)
            {
                proc.Dispose();
            }
        }
    }

    public static void SetPersonality(ulong persona)
    {
        if (Libc.personality((nuint)persona) < 0)
        {
            throw Fail("personality", $"personality 0x{persona:x}", Libc.LastErrno);
        }
    }

    public static unsafe void SetScheduler(Libc.SchedAttr attr)
    {
        var rc = Libc.hutch_sched_setattr(0, &attr);
        if (rc < 0)
        {
            throw Fail("scheduler", $"sched_setattr policy {attr.Policy} priority {attr.Priority} nice {attr.Nice}", -rc,
                -rc == Errno.EPERM ? "real-time policies and negative nice values need CAP_SYS_NICE" : null);
        }
    }

    public static void SetIoPriority(int ioprio)
    {
        var rc = Libc.hutch_ioprio_set(Libc.IOPRIO_WHO_PROCESS, 0, ioprio);
        if (rc < 0)
        {
            throw Fail("io priority", $"ioprio_set class {ioprio >> 13} priority {ioprio & 7}", -rc);
        }
    }

    public static void SetMemoryPolicy(PlannedMemoryPolicy policy)
    {
        var rc = policy.Policy.ApplyToCallingThread();
        if (rc < 0)
        {
            throw Fail("memory policy", $"linux.memoryPolicy: set_mempolicy {policy.Description}", -rc, ProcessSetupSteps.MemoryPolicyHint(-rc));
        }
    }

    public static unsafe void SetCpuAffinity(ulong[] mask)
    {
        fixed (ulong* p = mask)
        {
            if (Libc.sched_setaffinity(0, (nuint)(mask.Length * sizeof(ulong)), p) < 0)
            {
                throw Fail("cpu affinity", "sched_setaffinity (execCPUAffinity.final)", Libc.LastErrno);
            }
        }
    }

    /// <summary>
    /// Every fd from 3+N up gets close-on-exec (close_range; .NET may still hold some, execve
    /// closes them); the preserved fds 3..3+N-1 lose it, so they reach the process.
    /// </summary>
    public static void CloseFdsOnExec(int preserveFds)
    {
        var first = (uint)(3 + preserveFds);
        if (Libc.close_range(first, uint.MaxValue, (int)Libc.CLOSE_RANGE_CLOEXEC) < 0)
        {
            var errno = Libc.LastErrno;
            if (errno is not (Errno.ENOSYS or Errno.EINVAL))
            {
                throw Fail("close fds", $"close_range {first}.. CLOEXEC", errno);
            }
            // Before Linux 5.11: mark each fd up to fs.nr_open's default ceiling.
            for (var fd = (int)first; fd < 1 << 20; fd++)
            {
                _ = Libc.hutch_set_cloexec(fd, 1);
            }
        }
        for (var fd = 3; fd < first; fd++)
        {
            var rc = Libc.hutch_set_cloexec(fd, 0);
            if (rc < 0)
            {
                throw Fail("preserve fds", $"keep fd {fd} open across exec (--preserve-fds {preserveFds})", -rc,
                    -rc == Errno.EBADF ? $"fd {fd} is not open; pass as many fds as --preserve-fds says" : null);
            }
        }
    }

    public static void DropBounding(CapabilitySet keep, int lastCapability)
    {
        for (var cap = 0; cap <= lastCapability; cap++)
        {
            if (keep.Contains(cap))
            {
                continue;
            }
            var rc = ThreadCapabilities.DropBounding(cap);
            if (rc == -Errno.EINVAL)
            {
                continue; // unknown to this kernel
            }
            if (rc < 0)
            {
                throw Fail("capabilities", $"drop {CapabilityNames.Name(cap)} from the bounding set", -rc,
                    -rc == Errno.EPERM ? "dropping from the bounding set needs CAP_SETPCAP" : null);
            }
        }
    }

    public static void SetKeepCaps(bool keep)
    {
        var rc = ThreadCapabilities.SetKeepCaps(keep);
        if (rc < 0)
        {
            throw Fail("capabilities", $"prctl PR_SET_KEEPCAPS {(keep ? 1 : 0)}", -rc);
        }
    }

    /// <summary>setgroups; in a user namespace whose setgroups is "deny", an empty list is left as it is.</summary>
    public static unsafe void SetGroups(IReadOnlyList<uint> groups, List<string> notes)
    {
        var array = groups.ToArray();
        fixed (uint* p = array)
        {
            if (Libc.setgroups((nuint)array.Length, p) == 0)
            {
                return;
            }
        }
        var errno = Libc.LastErrno;
        if (errno == Errno.EPERM && array.Length == 0)
        {
            notes.Add("setgroups is denied in this user namespace; the supplementary groups are left as they are");
            return;
        }
        throw Fail("setgroups", $"setgroups [{string.Join(", ", groups)}]", errno);
    }

    public static void SetIds(uint uid, uint gid)
    {
        if (Libc.setresgid(gid, gid, gid) < 0)
        {
            var errno = Libc.LastErrno;
            throw Fail("setresgid", $"setresgid {gid}", errno, errno == Errno.EINVAL ? $"gid {gid} is not mapped in the container's user namespace" : null);
        }
        if (Libc.setresuid(uid, uid, uid) < 0)
        {
            var errno = Libc.LastErrno;
            throw Fail("setresuid", $"setresuid {uid}", errno, errno == Errno.EINVAL ? $"uid {uid} is not mapped in the container's user namespace" : null);
        }
    }

    /// <summary>
    /// CVE-2024-21626: after chdir, the cwd must be a path below this process's root. A cwd
    /// reached through a leaked fd of the host (/proc/self/fd/N) reads "(unreachable)/..." from
    /// the kernel, which glibc's getcwd turns into ENOENT.
    /// </summary>
    public static void VerifyCwd(string cwd)
    {
        var actual = Libc.GetCwd(out var errno);
        if (actual is null)
        {
            throw Fail("cwd", $"check the working directory \"{cwd}\"", errno,
                errno == Errno.ENOENT ? "it is not reachable from the container's root: refusing to start a process outside the rootfs (CVE-2024-21626)" : null);
        }
        if (!actual.StartsWith('/') || actual.StartsWith("(unreachable)", StringComparison.Ordinal))
        {
            throw new ProcessSetupException("cwd",
                $"working directory \"{cwd}\" resolves to \"{actual}\", outside the container's root: refusing to start (CVE-2024-21626)");
        }
    }

    public static void SetNoNewPrivileges()
    {
        var rc = ThreadCapabilities.SetNoNewPrivileges();
        if (rc < 0)
        {
            throw Fail("no_new_privs", "prctl PR_SET_NO_NEW_PRIVS", -rc);
        }
    }

    public static ProcessSetupException Fail(string step, string what, int errno, string? hint = null) =>
        new(step, $"{what}: {Errno.Describe(errno)}" + (hint is null ? "" : $" ({hint})"), errno);
}
