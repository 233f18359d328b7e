using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// struct hutch_proc_setup (native/procsetup.h): the `hutch exec` stage of a spawn, run by the
/// child after the sync byte. The ABI test (ProcessSetupAbiTests) compares it with the header.
/// </summary>
internal static partial class Libc
{
    internal const uint HUTCH_PROC_NO_NEW_PRIVS = 0x1, HUTCH_PROC_PERSONALITY = 0x2, HUTCH_PROC_MEMPOLICY = 0x4, HUTCH_PROC_CHROOT = 0x8;

    /// <summary>The spawn report's step for a failure of the process setup; its index is a HUTCH_PROC_STEP_*.</summary>
    internal const int HUTCH_STEP_PROC_SETUP = 10;

    internal const int HUTCH_PROC_STEP_SETSID = 1, HUTCH_PROC_STEP_CTTY = 2, HUTCH_PROC_STEP_PERSONALITY = 3,
        HUTCH_PROC_STEP_BOUNDING = 4, HUTCH_PROC_STEP_KEEPCAPS = 5, HUTCH_PROC_STEP_SETGROUPS = 6,
        HUTCH_PROC_STEP_SETRESGID = 7, HUTCH_PROC_STEP_SETRESUID = 8, HUTCH_PROC_STEP_CHDIR = 9,
        HUTCH_PROC_STEP_CWD = 10, HUTCH_PROC_STEP_CAPSET = 11, HUTCH_PROC_STEP_AMBIENT = 12,
        HUTCH_PROC_STEP_NO_NEW_PRIVS = 13, HUTCH_PROC_STEP_MEMPOLICY = 14, HUTCH_PROC_STEP_CHROOT = 15, HUTCH_PROC_STEP_EXEC_BASE = 100;

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct HutchProcSetup
    {
        public uint Flags;
        public uint Uid;
        public uint Gid;
        public uint Umask;
        public int GroupCount;
        public int TtyFd;
        public nint Groups;
        public nint Cwd;
        public ulong Bounding;
        public ulong Ambient;
        public ulong Personality;
        public fixed uint Caps[6];
        public int LastCap;
        public int MempolicyMode;
        public nint Exec;
        public nint MempolicyNodes;
        public uint MempolicyNodeBits;
        public int RootFd;
    }

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_proc_setup_size();
}
