using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Linux.Terminal;

/// <summary>
/// /dev/console inside the container: the pty peer bind-mounted onto it (config-linux.md
/// "Default Devices": /dev/console is set up when terminal is true). Both ends are fds
/// (CVE-2025-52565): the source is the TIOCGPTPEER fd, never /dev/pts/N by path; the target
/// is opened without following a symlink and must be a regular file or character device on
/// /dev's own filesystem, so a container whose /dev/console is a symlink (to
/// /proc/sys/kernel/core_pattern, say) or a mount of something else gets an error, not a
/// bind mount over a file of the attacker's choosing.
/// </summary>
internal static class ConsoleMount
{
    private const string ConsolePath = "/dev/console";

    /// <summary>
    /// Creates /dev/console inside <paramref name="root"/> when missing (an empty file, as
    /// runc does), verifies it, and bind-mounts <paramref name="pty"/>'s peer onto it. Call
    /// after /dev and /dev/pts are mounted, before /dev is made read-only.
    /// </summary>
    public static void BindPeer(Pty pty, SafeFd root)
    {
        using var dev = RootPath.Open(root, "/dev", Libc.O_PATH | O_DIRECTORY);
        using var target = OpenTarget(dev);
        var source = $"{pty.MasterName} ({pty.PeerName})";
        SafeFd? detached = null;
        try
        {
            detached = Mounter.CloneTree(pty.Peer, "", recursive: false, source);
        }
        catch (MountException e) when (e.Errno == Errno.ENOSYS)
        {
            // Before Linux 5.2: mount(2) with the peer and the target as /proc/self/fd links.
            Mounter.Mount(RootPath.ProcFdPath(pty.Peer), target, ConsolePath, null, MountFlags.Bind, null, "bind mount");
            GC.KeepAlive(pty.Peer);
            return;
        }
        using (detached)
        {
            Mounter.Attach(detached, target, source, ConsolePath);
        }
    }

    /// <summary>Opens /dev/console in <paramref name="dev"/> (O_PATH, never following a symlink), creating it when missing.</summary>
    internal static SafeFd OpenTarget(SafeFd dev)
    {
        var rc = OpenAt(dev, "console", O_PATH | O_NOFOLLOW, 0, out var target);
        if (rc == -Errno.ENOENT)
        {
            target.Dispose();
            // O_CREAT | O_EXCL never follows a symlink; a racing creator makes this fail (EEXIST), not redirect it.
            rc = OpenAt(dev, "console", O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0x1B6 /* 0666 */, out var created);
            created.Dispose();
            if (rc < 0)
            {
                throw new TerminalException("create", ConsolePath, -rc);
            }
            rc = OpenAt(dev, "console", O_PATH | O_NOFOLLOW, 0, out target);
        }
        if (rc < 0)
        {
            target.Dispose();
            throw new TerminalException("open", ConsolePath, -rc);
        }
        try
        {
            Verify(dev, target);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static void Verify(SafeFd dev, SafeFd target)
    {
        var rc = Fstat(target, out var st);
        if (rc < 0)
        {
            throw new TerminalException("inspect", ConsolePath, -rc);
        }
        if (st.Type == S_IFLNK)
        {
            throw new TerminalException("bind the console onto", ConsolePath, 0,
                "it is a symlink; refusing to mount the terminal where it points (remove it from the rootfs)");
        }
        if (st.Type != S_IFREG && st.Type != S_IFCHR)
        {
            throw new TerminalException("bind the console onto", ConsolePath, 0,
                "it must be a regular file or a character device");
        }
        rc = Fstat(dev, out var devSt);
        if (rc < 0)
        {
            throw new TerminalException("inspect", "/dev", -rc);
        }
        if (st.DevMajor != devSt.DevMajor || st.DevMinor != devSt.DevMinor)
        {
            throw new TerminalException("bind the console onto", ConsolePath, 0,
                $"it is on device {st.DevMajor.ToString(CultureInfo.InvariantCulture)}:{st.DevMinor.ToString(CultureInfo.InvariantCulture)}, not on /dev's filesystem; something is mounted over it");
        }
    }
}
