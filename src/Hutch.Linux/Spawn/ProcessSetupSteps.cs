using System.Globalization;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Spawn;

/// <summary>What a HUTCH_PROC_STEP_* of a failed process setup was doing, and a hint, for the SpawnException.</summary>
internal static class ProcessSetupSteps
{
    public static (string What, string? Hint) Describe(int step, int errno, SpawnPlan plan)
    {
        var setup = plan.ProcessSetup;
        var uid = setup?.Uid.ToString(CultureInfo.InvariantCulture) ?? "?";
        var gid = setup?.Gid.ToString(CultureInfo.InvariantCulture) ?? "?";
        return step switch
        {
            Libc.HUTCH_PROC_STEP_SETSID => ("setsid", null),
            Libc.HUTCH_PROC_STEP_CTTY => ("make the pty peer the controlling terminal (TIOCSCTTY)", null),
            Libc.HUTCH_PROC_STEP_PERSONALITY => ("personality", null),
            Libc.HUTCH_PROC_STEP_BOUNDING => ("drop capabilities from the bounding set", errno == Errno.EPERM ? "needs CAP_SETPCAP" : null),
            Libc.HUTCH_PROC_STEP_KEEPCAPS => ("prctl PR_SET_KEEPCAPS", null),
            Libc.HUTCH_PROC_STEP_SETGROUPS => ($"setgroups [{string.Join(", ", setup?.AdditionalGids ?? [])}]",
                errno == Errno.EPERM ? "setgroups is \"deny\" in the container's user namespace" :
                errno == Errno.EINVAL ? "a group is not mapped in the container's user namespace" : null),
            Libc.HUTCH_PROC_STEP_SETRESGID => ($"setresgid {gid}", errno == Errno.EINVAL ? $"gid {gid} is not mapped in the container's user namespace" : null),
            Libc.HUTCH_PROC_STEP_SETRESUID => ($"setresuid {uid}", errno == Errno.EINVAL ? $"uid {uid} is not mapped in the container's user namespace" : null),
            Libc.HUTCH_PROC_STEP_CHDIR => ($"chdir to \"{setup?.Cwd}\"", errno == Errno.ENOENT ? "the directory does not exist in the container" : null),
            Libc.HUTCH_PROC_STEP_CWD => ($"check the working directory \"{setup?.Cwd}\"",
                errno == Errno.EXDEV ? "it is outside the container's root: refusing to start a process there (CVE-2024-21626)" : null),
            Libc.HUTCH_PROC_STEP_CAPSET => ("capset", null),
            Libc.HUTCH_PROC_STEP_AMBIENT => ("set the ambient capabilities", errno == Errno.EPERM ? "an ambient capability must be permitted and inheritable" : null),
            Libc.HUTCH_PROC_STEP_NO_NEW_PRIVS => ("prctl PR_SET_NO_NEW_PRIVS", null),
            Libc.HUTCH_PROC_STEP_CHROOT => ("change root into the container's root.path (no mount namespace)", null),
            Libc.HUTCH_PROC_STEP_MEMPOLICY => ("linux.memoryPolicy: set_mempolicy", MemoryPolicyHint(errno)),
            Libc.HUTCH_PROC_STEP_EXEC_BASE + Libc.HUTCH_EXEC_STEP_SIGNALS => ("reset the signal dispositions and mask", null),
            Libc.HUTCH_PROC_STEP_EXEC_BASE + Libc.HUTCH_EXEC_STEP_SECCOMP => ("load the seccomp filter",
                errno == Errno.EACCES ? "without noNewPrivileges, loading a filter needs CAP_SYS_ADMIN" : null),
            Libc.HUTCH_PROC_STEP_EXEC_BASE + Libc.HUTCH_EXEC_STEP_CAPS => ("capset after loading seccomp", "is capset allowed by the filter?"),
            Libc.HUTCH_PROC_STEP_EXEC_BASE + Libc.HUTCH_EXEC_STEP_EXECVE => ($"exec \"{plan.Path}\"", errno switch
            {
                Errno.ENOENT => "no such file in the container (or its interpreter is missing)",
                Errno.EACCES => "the file must be a regular file with execute permission",
                _ => null,
            }),
            _ => ("step " + step.ToString(CultureInfo.InvariantCulture), null),
        };
    }

    /// <summary>Why set_mempolicy may refuse a policy that passed validation.</summary>
    public static string? MemoryPolicyHint(int errno) => errno switch
    {
        Errno.EINVAL => "the kernel refused this mode, flags and nodes: each node must have memory and be in the container's " +
                        "cpuset.mems, MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or MPOL_PREFERRED_MANY, or this kernel lacks the mode",
        Errno.ENOSYS => "this kernel has no NUMA support (CONFIG_NUMA); remove linux.memoryPolicy",
        _ => null,
    };
}
