using System.Globalization;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The processes of a container found through its pid namespace instead of its cgroup: every
/// /proc entry whose ns/pid link names the init's. For a container without a cgroup (rootless
/// where the user may not create one), which has its own pid namespace: `ps` and `kill --all`.
/// </summary>
internal static class PidNamespaceMembers
{
    /// <summary>The pids (in hutch's namespace) sharing <paramref name="initPid"/>'s pid namespace, sorted; just the init when its link cannot be read.</summary>
    public static IReadOnlyList<int> Of(int initPid)
    {
        var target = NamespaceLink(initPid);
        if (target is null)
        {
            return [initPid];
        }
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && NamespaceLink(pid) == target)
            {
                pids.Add(pid);
            }
        }
        pids.Sort();
        return pids;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every member but <paramref name="initPid"/> (the caller
    /// signals that one): each through a pidfd opened and then checked to still be in the
    /// namespace, so a pid reused meanwhile is never signalled. Gone processes are skipped.
    /// </summary>
    public static void SignalOthers(int initPid, int signal)
    {
        var target = NamespaceLink(initPid);
        if (target is null)
        {
            return;
        }
        foreach (var pid in Of(initPid).Where(pid => pid != initPid))
        {
            var fd = Libc.hutch_pidfd_open(pid, 0);
            if (fd < 0)
            {
                continue;
            }
            using var pidfd = new SafeFd(fd, ownsHandle: true);
            if (NamespaceLink(pid) == target)
            {
                _ = Libc.PidfdSendSignal(pidfd, signal);
            }
        }
    }

    /// <summary>"pid:[4026532201]", or null when the process is gone or not ours to inspect.</summary>
    private static string? NamespaceLink(int pid)
    {
        try
        {
            return new FileInfo("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/ns/pid").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
