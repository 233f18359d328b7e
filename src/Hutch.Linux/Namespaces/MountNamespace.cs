using Hutch.Linux.Interop;

namespace Hutch.Linux.Namespaces;

/// <summary>Work done from hutch's own process inside another process's mount namespace.</summary>
internal static class MountNamespace
{
    private const int CloneFs = 0x200; // CLONE_FS

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that did unshare(CLONE_FS) (setns into a
    /// mount namespace refuses a thread sharing its root and cwd with others: every .NET thread
    /// does) and then joined the mount namespace <paramref name="mountNamespace"/>; waits for it.
    /// The thread keeps the caller's credentials (its user namespace is unchanged), ends with the
    /// action, and the namespace change dies with it. The action must stay on that thread.
    /// </summary>
    public static T RunIn<T>(SafeFd mountNamespace, string name, Func<T> action)
    {
        var added = false;
        mountNamespace.DangerousAddRef(ref added);
        try
        {
            var fd = mountNamespace.Fd;
            return NamespaceThread.Run("hutch mntns", () =>
            {
                if (Libc.unshare(CloneFs) != 0)
                {
                    throw new NamespaceException("unshare the fs attributes (CLONE_FS) to join", name, Libc.LastErrno);
                }
                if (Libc.setns(fd, (int)NamespaceKind.Mount) != 0)
                {
                    var errno = Libc.LastErrno;
                    throw new NamespaceException("join the mount namespace", name, errno,
                        errno == Errno.EINVAL ? "the file descriptor is not a mount namespace" : null);
                }
            }, action);
        }
        finally
        {
            if (added)
            {
                mountNamespace.DangerousRelease();
            }
        }
    }

    /// <summary>Opens /proc/PID/ns/mnt of <paramref name="pid"/>.</summary>
    public static SafeFd OpenOfProcess(int pid) => NamespaceFile.Open(NamespaceKind.Mount.ProcPath(pid));
}
