using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Process attributes the container init sets before exec: rlimits (prlimit), personality,
/// scheduling (sched_setattr), I/O priority, CPU affinity, groups and ids, umask, prctl,
/// fd flags and close_range. glibc entry points where they are fixed-arity; libhutchnative
/// (returning -errno) for variadic calls and syscalls glibc lacks.
/// </summary>
internal static partial class Libc
{
    internal const uint CLOSE_RANGE_CLOEXEC = 1u << 2;

    internal const int IOPRIO_WHO_PROCESS = 1;

    /// <summary>struct rlimit64: current (soft) and maximum (hard); ulong.MaxValue is RLIM_INFINITY.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>struct sched_attr, SCHED_ATTR_SIZE_VER1 (56 bytes); native/exec.h mirrors it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
        public uint UtilMin;
        public uint UtilMax;
    }

    [LibraryImport("libc", EntryPoint = "prlimit64", SetLastError = true)]
    internal static unsafe partial int prlimit(int pid, int resource, Rlimit* newLimit, Rlimit* oldLimit);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int personality(nuint persona);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int sched_setaffinity(int pid, nuint cpuSetSize, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int setgroups(nuint size, uint* groups);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setresuid(uint ruid, uint euid, uint suid);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setresgid(uint rgid, uint egid, uint sgid);

    [LibraryImport("libc")]
    internal static partial uint umask(uint mask);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close_range(uint first, uint last, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial byte* getcwd(byte* buffer, nuint size);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_set_cloexec(int fd, int on);

    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_sched_setattr(int pid, SchedAttr* attr);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_ioprio_set(int which, int who, int ioprio);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_sched_attr_size();

    /// <summary>prctl option: orphaned descendants are reparented to this process (restore in the foreground, as runc).</summary>
    internal const int PR_SET_CHILD_SUBREAPER = 36;

    /// <summary>prctl(2) with unused arguments 0. Returns the result (>= 0) or -errno.</summary>
    internal static int Prctl(int option, nuint arg2 = 0, nuint arg3 = 0, nuint arg4 = 0, nuint arg5 = 0) =>
        hutch_prctl(option, arg2, arg3, arg4, arg5);

    /// <summary>setrlimit of the calling process. Returns 0 or -errno.</summary>
    internal static unsafe int SetRlimit(int resource, ulong soft, ulong hard)
    {
        var limit = new Rlimit { Current = soft, Maximum = hard };
        return prlimit(0, resource, &limit, null) == 0 ? 0 : -LastErrno;
    }

    /// <summary>The process's current directory as the kernel reports it (may start with "(unreachable)"), or null with errno.</summary>
    internal static unsafe string? GetCwd(out int errno)
    {
        var buffer = new byte[4097];
        fixed (byte* p = buffer)
        {
            if (getcwd(p, (nuint)buffer.Length) == null)
            {
                errno = LastErrno;
                return null;
            }
        }
        errno = 0;
        var length = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
    }
}
