using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// seccomp: the system's libseccomp (libseccomp.so.2, loaded by name on first use, not bound at
/// link time: a host without it only fails when a config has a seccomp section) builds and
/// exports the BPF program; libhutchnative loads it and execs (hutch_exec_with_filter). Also
/// memfd_create/pread for reading the export back, and connect(2) on an AF_UNIX address for
/// the seccomp listener socket.
/// </summary>
internal static partial class Libc
{
    private const string LibSeccomp = "libseccomp.so.2";

    /// <summary>Returned by seccomp_syscall_resolve_name for a name libseccomp does not know.</summary>
    internal const int NR_SCMP_ERROR = -1;

    // enum scmp_filter_attr (seccomp.h)
    internal const int SCMP_FLTATR_ACT_DEFAULT = 1, SCMP_FLTATR_ACT_BADARCH = 2, SCMP_FLTATR_CTL_NNP = 3;

    internal const uint MFD_CLOEXEC = 1;
    /// <summary>AF_UNIX and SOCK_STREAM, for the listener socket (listenerPath).</summary>
    internal const int ListenerSocketFamily = 1, ListenerSocketType = 1;

    // hutch_exec_with_filter steps (native/exec.h)
    internal const int HUTCH_EXEC_STEP_SIGNALS = 1, HUTCH_EXEC_STEP_SECCOMP = 2, HUTCH_EXEC_STEP_LISTENER = 3,
        HUTCH_EXEC_STEP_CAPS = 4, HUTCH_EXEC_STEP_EXECVE = 5;

    /// <summary>struct scmp_arg_cmp: argument index, operator (enum scmp_compare), datum a, datum b.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ScmpArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    /// <summary>struct hutch_exec_plan (native/exec.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HutchExecPlan
    {
        public nint Filter;
        public uint FilterLength;
        public uint SeccompFlags;
        public int ListenerFd;
        public uint ListenerMessageLength;
        public nint ListenerMessage;
        public nint CapsAfter;
        public nint Path;
        public nint Argv;
        public nint Envp;
    }

    /// <summary>struct sockaddr_un, for the listener socket.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct ListenerSockAddr
    {
        public ushort Family;
        public fixed byte Path[108];
    }

    [LibraryImport(LibSeccomp)]
    internal static partial nint seccomp_init(uint defaultAction);

    [LibraryImport(LibSeccomp)]
    internal static partial void seccomp_release(nint ctx);

    [LibraryImport(LibSeccomp)]
    internal static partial int seccomp_arch_add(nint ctx, uint archToken);

    [LibraryImport(LibSeccomp)]
    internal static partial int seccomp_arch_exist(nint ctx, uint archToken);

    [LibraryImport(LibSeccomp)]
    internal static partial uint seccomp_arch_native();

    /// <summary>libseccomp's own names ("x86_64", "aarch64"); 0 when unknown.</summary>
    [LibraryImport(LibSeccomp, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint seccomp_arch_resolve_name(string name);

    [LibraryImport(LibSeccomp, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int seccomp_syscall_resolve_name(string name);

    [LibraryImport(LibSeccomp)]
    internal static unsafe partial int seccomp_rule_add_array(nint ctx, uint action, int syscall, uint argCount, ScmpArgCmp* args);

    [LibraryImport(LibSeccomp)]
    internal static partial int seccomp_attr_set(nint ctx, int attribute, uint value);

    [LibraryImport(LibSeccomp)]
    internal static partial int seccomp_export_bpf(nint ctx, int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint pread(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int listener_connect(int fd, ListenerSockAddr* address, uint addressLength);

    [LibraryImport("libhutchnative")]
    internal static unsafe partial int hutch_exec_with_filter(HutchExecPlan* plan, int* outStep);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_exec_plan_size();
}
