using Hutch.Linux.Interop;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Processes;

/// <summary>What the caller knows beyond config.json when it plans the container process.</summary>
internal sealed class ProcessPlanOptions
{
    /// <summary>--preserve-fds (plus LISTEN_FDS): fds 3 .. 3+N-1 stay open across exec.</summary>
    public int PreserveFds { get; init; }

    /// <summary>
    /// The process is started by `exec` in a running container: process.execCPUAffinity.final
    /// applies (the spec: not applicable to the container's init process; `initial` is the
    /// exec's parent's business, before it joins the cgroup).
    /// </summary>
    public bool IsExec { get; init; }

    /// <summary>The highest capability number of the kernel; null reads /proc/sys/kernel/cap_last_cap.</summary>
    public int? LastCapability { get; init; }

    /// <summary>The container's state, sent with the seccomp notify fd to listenerPath (its pid: the process as the runtime sees it).</summary>
    public OciState? ContainerState { get; init; }

    /// <summary>
    /// A socket already connected to linux.seccomp.listenerPath (SeccompListener.Connect), opened
    /// by the init while the host's paths were visible (before pivot_root). Null: Exec connects.
    /// </summary>
    public SafeFd? ListenerSocket { get; init; }

    /// <summary>
    /// A private procfs instance (a detached fsmount fd) for oom_score_adj, opened before
    /// maskedPaths hid parts of /proc (CVE-2025-52881). Null: Exec creates one.
    /// </summary>
    public SafeFd? PrivateProc { get; init; }
}
