using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Consoles;
using Hutch.Spec;

namespace Hutch.Runtime.Init;

/// <summary>
/// process.terminal inside the init, in runc's order: <see cref="Open"/> after pivot_root (so
/// /dev/ptmx is the container's devpts instance) and before the readonly and masked paths (so
/// /dev/console can still be bind-mounted); <see cref="AttachBeforeExec"/> before the init reports
/// ready (it then holds none of the caller's stdio while it waits for `start`).
/// </summary>
internal static class InitConsole
{
    /// <summary>
    /// Opens a pty in the container's devpts, sets its size from process.consoleSize, binds
    /// the peer onto /dev/console (with a mount namespace of its own only: without one,
    /// /dev/console is the host's), sends the master over <paramref name="consoleSocket"/>
    /// and closes it here. The returned Pty holds the peer until <see cref="AttachBeforeExec"/>.
    /// </summary>
    public static Pty Open(SafeFd consoleSocket, Process process, bool ownMountNamespace)
    {
        using var root = RootPath.OpenRoot("/");
        var pty = Pty.OpenInRoot(root);
        try
        {
            if (process.ConsoleSize is { } box && WindowSize.FromConsoleSize(box.Height, box.Width) is { } size)
            {
                pty.SetWindowSize(size);
            }
            if (ownMountNamespace)
            {
                ConsoleMount.BindPeer(pty, root);
            }
            ConsoleSocketClient.SendMaster(consoleSocket, pty.Master, pty.MasterName);
            pty.CloseMaster();
            return pty;
        }
        catch
        {
            pty.Dispose();
            throw;
        }
    }

    /// <summary>The process's user owns the peer; it becomes the controlling terminal and fds 0, 1 and 2.</summary>
    public static void AttachBeforeExec(Pty pty, uint uid, uint gid)
    {
        pty.SetPeerOwner(uid, gid);
        pty.AttachAsControllingStdio();
    }

    /// <summary>
    /// runc's reOpenDevNull: after pivot_root into a /dev hutch populated, each of fds 0, 1 and 2
    /// that is a /dev/null (the caller's, on the host's /dev) is replaced by the container's own
    /// /dev/null, so that nothing in the container points at a host mount (CRIU cannot dump that).
    /// </summary>
    public static void ReopenDevNull()
    {
        var rc = Hutch.Linux.Interop.Libc.OpenAt(null, "/dev/null", Hutch.Linux.Interop.Libc.O_RDWR, 0, out var devNull);
        using (devNull)
        {
            if (rc < 0 || PathSyscalls.Fstat(devNull, out var own) < 0 || own.Type != PathSyscalls.S_IFCHR)
            {
                return; // no usable /dev/null of its own: the caller's stays
            }
            for (var fd = 0; fd < 3; fd++)
            {
                using var stdio = new SafeFd(fd, ownsHandle: false);
                if (PathSyscalls.Fstat(stdio, out var st) == 0 && st.Type == PathSyscalls.S_IFCHR
                    && st.RdevMajor == own.RdevMajor && st.RdevMinor == own.RdevMinor && st.MountId != own.MountId
                    && Hutch.Linux.Interop.Libc.terminal_dup3(devNull.Fd, fd, 0) < 0)
                {
                    throw new InitException($"reopen fd {fd} on the container's /dev/null: {Hutch.Linux.Errno.Describe(Hutch.Linux.Interop.Libc.LastErrno)}");
                }
            }
        }
    }

    /// <summary>setsid(2) unless the init leads its session already (getsid is 0 for a leader outside its pid namespace).</summary>
    public static void LeadOwnSession()
    {
        if (Hutch.Linux.Interop.Libc.terminal_getsid(0) != Environment.ProcessId && Hutch.Linux.Interop.Libc.terminal_setsid() < 0)
        {
            throw new InitException($"start a new session (setsid) for the container's process: {Hutch.Linux.Errno.Describe(Hutch.Linux.Interop.Libc.LastErrno)}");
        }
    }
}
