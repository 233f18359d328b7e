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
}
