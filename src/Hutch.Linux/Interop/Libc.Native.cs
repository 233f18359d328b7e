using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// The hutch_* entry points of native/ (libhutchnative: a shared object for the JIT-run
/// tests, a static archive linked into the AOT binary). They return -errno instead of
/// setting errno. The structs mirror native/hutch_native.h; the ABI tests (tests/Hutch.Linux.Tests/Abi) compare their sizes and offsets with the C compiler's.
/// </summary>
internal static partial class Libc
{
    // hutch_spawn_plan.flags
    internal const uint HUTCH_SPAWN_NO_CLONE3 = 0x1, HUTCH_SPAWN_TWO_STAGE = 0x2, HUTCH_SPAWN_VFORK = 0x4,
        HUTCH_SPAWN_BECOME_ROOT = 0x8, HUTCH_SPAWN_CLEAR_GROUPS = 0x10, HUTCH_SPAWN_NOT_DUMPABLE = 0x20,
        HUTCH_SPAWN_DIE_WITH_PARENT = 0x40;

    internal const int HUTCH_SPAWN_MAX_JOINS = 16, HUTCH_SPAWN_MAX_FD_MAPS = 64, HUTCH_SPAWN_MAX_CGROUP_FILES = 32;

    /// <summary>The exit status of a spawned child that failed before execve.</summary>
    internal const int HUTCH_SPAWN_CHILD_FAILED = 127;

    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchNsJoin
    {
        public int Fd;
        public int NsType;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchFdMap
    {
        public int Src;
        public int Dst;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchSpawnPlan
    {
        public ulong CloneFlags;
        public uint Flags;
        public int JoinCount;
        public nint Joins;
        public int FdMapCount;
        public int SyncFd;
        public nint FdMaps;
        public int ErrorFd;
        public int ExecFd;
        public nint Path;
        public nint Argv;
        public nint Envp;
        public nint TimeOffsets;
        public int TimeOffsetsLen;

        /// <summary>struct hutch_proc_setup* (native/procsetup.h), or 0: the `hutch exec` stage.</summary>
        public nint ProcSetup;

        /// <summary>A cgroup2 directory the child is born in (CLONE_INTO_CGROUP), or -1.</summary>
        public int CgroupFd;

        /// <summary>That directory's cgroup.procs (the fallback before Linux 5.7), or -1.</summary>
        public int CgroupProcsFd;

        public int CgroupThreadCount;

        /// <summary>int32_t*: v1 `tasks` files the child writes "0" (itself) to.</summary>
        public nint CgroupThreadFds;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchSpawnReport
    {
        public int Step;
        public int Index;
        public int Err;
    }

    /// <summary>Clones a child that executes <paramref name="plan"/>; returns its pid or -errno (see hutch_native.h).</summary>
    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_spawn(HutchSpawnPlan* plan, int* outPidfd);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_pidfd_open(int pid, uint flags);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_pidfd_send_signal(int pidfd, int sig);

    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_waitid(int idtype, int id, int options, int* outPid, int* outCode, int* outStatus);

    /// <summary>
    /// waitid(2), EINTR retried. Returns 0 with the child's pid (0 when WNOHANG found nothing),
    /// si_code and si_status, or -errno.
    /// </summary>
    internal static unsafe int WaitId(int idtype, int id, int options, out int pid, out int code, out int status)
    {
        int p, c, s, rc;
        do
        {
            p = c = s = 0;
            rc = hutch_waitid(idtype, id, options, &p, &c, &s);
        }
        while (rc == -Errno.EINTR);
        (pid, code, status) = (p, c, s);
        return rc;
    }

    /// <summary>Sends <paramref name="signal"/> through a pidfd (no pid-reuse race). Returns 0 or -errno.</summary>
    internal static int PidfdSendSignal(SafeFd pidfd, int signal)
    {
        var added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            return hutch_pidfd_send_signal(pidfd.Fd, signal);
        }
        finally
        {
            if (added)
            {
                pidfd.DangerousRelease();
            }
        }
    }
}
