using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using static Hutch.Linux.Interop.Libc.TerminalConstants;

namespace Hutch.Linux.Terminal;

/// <summary>
/// A pseudoterminal opened safely (CVE-2025-52565): the master from a ptmx that is verified to
/// be the ptmx character device (5:2), the peer through the master with TIOCGPTPEER, never by
/// a /dev/pts/N path the container could swap for a symlink or another file; the peer is then
/// verified to be a pty peer on a devpts filesystem.
///
/// The container init, in runc's order (after /dev/pts is mounted and after pivot_root, so
/// /dev/ptmx is the container's devpts instance; before the readonly/masked paths):
/// <code>
///   using var pty = Pty.Open("/dev/ptmx");                    // or Pty.OpenInRoot(rootFd)
///   if (WindowSize.FromConsoleSize(h, w) is { } size) pty.SetWindowSize(size);
///   ConsoleMount.BindPeer(pty, rootFd);                       // /dev/console (when /dev is set up)
///   ConsoleSocket.SendFd(consoleSocket, pty.Master, pty.MasterName);
///   pty.CloseMaster();                                        // the other side owns it now
///   ... later, before execve: ...
///   pty.SetPeerOwner(uid, gid);                               // the process's user controls it
///   pty.AttachAsControllingStdio();                           // setsid, TIOCSCTTY, dup3 to 0,1,2
/// </code>
/// </summary>
internal sealed class Pty : IDisposable
{
    private Pty(SafeFd master, SafeFd peer, string masterName, uint number)
    {
        Master = master;
        Peer = peer;
        MasterName = masterName;
        Number = number;
    }

    /// <summary>The master (O_RDWR | O_NOCTTY | O_CLOEXEC); invalid after <see cref="CloseMaster"/>.</summary>
    public SafeFd Master { get; }

    /// <summary>The peer (O_RDWR | O_NOCTTY | O_CLOEXEC), from TIOCGPTPEER.</summary>
    public SafeFd Peer { get; }

    /// <summary>The ptmx path the master was opened by; what runc sends as the console socket message.</summary>
    public string MasterName { get; }

    /// <summary>N of /dev/pts/N in the devpts instance of the master: for messages and logs only.</summary>
    public uint Number { get; }

    /// <summary>"pts N" for messages.</summary>
    public string PeerName => "pts " + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Opens <paramref name="ptmxPath"/> (in the caller's root and cwd) as a pty master, verifies it, unlocks it, gets the peer.</summary>
    public static Pty Open(string ptmxPath = "/dev/ptmx")
    {
        var rc = Libc.OpenAt(null, ptmxPath, Libc.O_RDWR | Libc.O_NOCTTY, 0, out var master);
        if (rc < 0)
        {
            master.Dispose();
            throw new TerminalException("open pty master", ptmxPath, -rc, OpenHint(-rc));
        }
        return FromMaster(master, ptmxPath);
    }

    /// <summary>
    /// Opens <paramref name="ptmxPath"/> resolved inside <paramref name="root"/> (RootPath:
    /// openat2 RESOLVE_IN_ROOT), for an init that has not pivoted yet or holds the root as an fd.
    /// </summary>
    public static Pty OpenInRoot(SafeFd root, string ptmxPath = "/dev/ptmx")
    {
        var rc = RootPath.TryOpen(root, ptmxPath, Libc.O_RDWR | Libc.O_NOCTTY, out var master);
        if (rc < 0)
        {
            master.Dispose();
            throw new TerminalException("open pty master", ptmxPath + " (inside the container's root)", -rc, OpenHint(-rc));
        }
        return FromMaster(master, ptmxPath);
    }

    /// <summary>
    /// Takes ownership of <paramref name="master"/> (an fd opened O_RDWR on a ptmx), verifies
    /// that it is the ptmx character device, unlocks the peer and opens it with TIOCGPTPEER.
    /// Disposes <paramref name="master"/> when anything fails.
    /// </summary>
    public static Pty FromMaster(SafeFd master, string name)
    {
        SafeFd? peer = null;
        try
        {
            VerifyMaster(master, name);
            var rc = Libc.hutch_pty_unlock(master.Fd);
            if (rc < 0)
            {
                throw new TerminalException("unlock the pty peer of", name, -rc);
            }
            rc = Libc.hutch_pty_number(master.Fd, out var number);
            if (rc < 0)
            {
                throw new TerminalException("get the pty number of", name, -rc);
            }
            rc = Libc.hutch_pty_open_peer(master.Fd, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            if (rc < 0)
            {
                throw new TerminalException("open the pty peer (TIOCGPTPEER) of", name, -rc,
                    -rc == Errno.EINVAL || -rc == Errno.ENOTTY ? "TIOCGPTPEER needs Linux 4.13 or later" : null);
            }
            peer = new SafeFd(rc);
            VerifyPeer(peer, $"{name} (pts {number.ToString(CultureInfo.InvariantCulture)})");
            GC.KeepAlive(master);
            return new Pty(master, peer, name, number);
        }
        catch
        {
            peer?.Dispose();
            master.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses an fd that is not the ptmx character device 5:2 (whether devtmpfs's /dev/ptmx or
    /// a devpts instance's pts/ptmx): a container that replaced /dev/ptmx with another file
    /// (a FIFO, /dev/null, a regular file, a procfs file) must not be used as a console.
    /// </summary>
    public static void VerifyMaster(SafeFd fd, string name)
    {
        var rc = PathSyscalls.Fstat(fd, out var st);
        if (rc < 0)
        {
            throw new TerminalException("inspect pty master", name, -rc);
        }
        if (st.Type != PathSyscalls.S_IFCHR || st.RdevMajor != PtmxMajor || st.RdevMinor != PtmxMinor)
        {
            throw new TerminalException("use as pty master", name, 0,
                $"it is {Describe(st)}, not the ptmx character device 5:2; the container's /dev/ptmx was replaced");
        }
    }

    /// <summary>
    /// Refuses a peer that is not a UNIX98 pty peer (majors 136-143) on a devpts filesystem:
    /// TIOCGPTPEER cannot return anything else, so this guards the guarantee itself.
    /// </summary>
    public static void VerifyPeer(SafeFd fd, string name)
    {
        var rc = PathSyscalls.Fstat(fd, out var st);
        if (rc < 0)
        {
            throw new TerminalException("inspect pty peer", name, -rc);
        }
        if (st.Type != PathSyscalls.S_IFCHR || st.RdevMajor < PtyPeerMajorFirst || st.RdevMajor > PtyPeerMajorLast)
        {
            throw new TerminalException("use as pty peer", name, 0, $"it is {Describe(st)}, not a pty peer device");
        }
        rc = Libc.hutch_fd_fs_magic(fd.Fd, out var magic);
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new TerminalException("inspect the filesystem of pty peer", name, -rc);
        }
        if (magic != DEVPTS_SUPER_MAGIC)
        {
            throw new TerminalException("use as pty peer", name, 0,
                $"it is on a filesystem of type 0x{magic.ToString("x", CultureInfo.InvariantCulture)}, not devpts");
        }
    }

    /// <summary>TIOCSWINSZ on the pty (process.consoleSize); the peer sees the same size.</summary>
    public void SetWindowSize(WindowSize size) => size.Set(Peer, MasterName + " (" + PeerName + ")");

    /// <summary>Closes this process's copy of the master once it was handed over.</summary>
    public void CloseMaster() => Master.Dispose();

    /// <summary>fchown on the peer: the user the process runs as owns its terminal (runc does the same for stdio).</summary>
    public void SetPeerOwner(uint uid, uint gid)
    {
        var rc = Libc.terminal_fchown(Peer.Fd, uid, gid);
        var errno = rc < 0 ? Libc.LastErrno : 0;
        GC.KeepAlive(Peer);
        if (rc < 0)
        {
            throw new TerminalException($"change the owner to {uid.ToString(CultureInfo.InvariantCulture)}:{gid.ToString(CultureInfo.InvariantCulture)} of", PeerName, errno,
                errno == Errno.EINVAL ? "the uid or gid has no mapping in the container's user namespace" : null);
        }
    }

    /// <summary>
    /// Makes the peer the calling process's controlling terminal and its stdin, stdout and
    /// stderr: setsid (unless the process already leads its session, e.g. after the spawn
    /// shim's setsid), TIOCSCTTY, then dup3 onto 0, 1 and 2. Call it last before execve:
    /// the process's own stdio is gone afterwards.
    /// </summary>
    public void AttachAsControllingStdio()
    {
        MakeControllingTerminal();
        AttachAsStdio();
    }

    /// <summary>setsid (when not a session leader yet) and TIOCSCTTY on the peer.</summary>
    public void MakeControllingTerminal()
    {
        var pid = Libc.getpid();
        if (Libc.terminal_getsid(0) != pid && Libc.terminal_setsid() < 0)
        {
            throw new TerminalException("start a new session (setsid) for", PeerName, Libc.LastErrno,
                "a process group leader cannot start a session");
        }
        var rc = Libc.hutch_tty_set_controlling(Peer.Fd, 0);
        GC.KeepAlive(Peer);
        if (rc < 0)
        {
            throw new TerminalException("make the controlling terminal (TIOCSCTTY)", PeerName, -rc,
                -rc == Errno.EPERM ? "the process already has a controlling terminal, or the terminal belongs to another session" : null);
        }
    }

    /// <summary>dup3 of the peer onto fds 0, 1 and 2 (without close-on-exec: they survive execve).</summary>
    public void AttachAsStdio()
    {
        for (var target = 0; target <= 2; target++)
        {
            int rc;
            while ((rc = Libc.terminal_dup3(Peer.Fd, target, 0)) < 0 && Libc.LastErrno == Errno.EINTR)
            {
            }
            if (rc < 0)
            {
                throw new TerminalException($"duplicate onto fd {target.ToString(CultureInfo.InvariantCulture)} the pty peer", PeerName, Libc.LastErrno);
            }
        }
        GC.KeepAlive(Peer);
    }

    public void Dispose()
    {
        Master.Dispose();
        Peer.Dispose();
    }

    private static string? OpenHint(int errno) => errno switch
    {
        Errno.ENOENT => "the container needs /dev/ptmx (a link to pts/ptmx) and a devpts mount on /dev/pts",
        Errno.EACCES => "check ptmxmode= of the /dev/pts mount",
        Errno.ENOSPC => "the devpts instance reached its max= of ptys",
        _ => null,
    };

    private static string Describe(PathSyscalls.Statx st) => st.Type switch
    {
        PathSyscalls.S_IFCHR => $"the character device {st.RdevMajor.ToString(CultureInfo.InvariantCulture)}:{st.RdevMinor.ToString(CultureInfo.InvariantCulture)}",
        PathSyscalls.S_IFBLK => "a block device",
        PathSyscalls.S_IFREG => "a regular file",
        PathSyscalls.S_IFDIR => "a directory",
        PathSyscalls.S_IFIFO => "a FIFO",
        PathSyscalls.S_IFLNK => "a symlink",
        _ => "a socket or other special file",
    };
}
