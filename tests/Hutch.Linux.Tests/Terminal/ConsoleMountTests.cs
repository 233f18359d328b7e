using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using Hutch.Linux.Terminal;
using Hutch.Linux.Tests.Mounts;
using Hutch.Testing;
using static Hutch.Linux.Tests.Terminal.TerminalTestHelpers;

namespace Hutch.Linux.Tests.Terminal;

/// <summary>
/// The container side for real, in a private mount namespace: a tmpfs root with its own devpts
/// instance (newinstance, as config.json asks), /dev/ptmx -> pts/ptmx, the pty opened inside
/// the root and its peer bind-mounted onto /dev/console; and the CVE-2025-52565 attacks on it.
/// </summary>
public class ConsoleMountTests
{
    [RootFact]
    public void The_peer_is_mounted_on_dev_console_of_a_container_root()
    {
        InContainerRoot(root =>
        {
            using var rootFd = RootPath.OpenRoot(root);
            using var pty = Pty.OpenInRoot(rootFd);
            ConsoleMount.BindPeer(pty, rootFd);

            var console = Path.Combine(root, "dev/console");
            Assert.Equal(0, Libc.OpenAt(null, console, Libc.O_RDWR | Libc.O_NOCTTY, 0, out var opened));
            using (opened)
            {
                Assert.Equal(0, PathSyscalls.Fstat(opened, out var st));
                Assert.Equal(0, PathSyscalls.Fstat(pty.Peer, out var peer));
                Assert.Equal(PathSyscalls.S_IFCHR, st.Type);
                Assert.Equal((peer.RdevMajor, peer.RdevMinor), (st.RdevMajor, st.RdevMinor));
                WriteAll(opened, "console line\n");
                ReadUntil(pty.Master, "console line");
            }
        });
    }

    [RootFact]
    public void A_dev_console_symlink_is_refused_and_its_target_left_alone()
    {
        InContainerRoot(root =>
        {
            // The attack: /dev/console -> a file the bind mount would then cover (core_pattern, say).
            var target = Path.Combine(root, "victim");
            File.WriteAllText(target, "untouched");
            File.CreateSymbolicLink(Path.Combine(root, "dev/console"), "/victim");
            using var rootFd = RootPath.OpenRoot(root);
            using var pty = Pty.OpenInRoot(rootFd);
            var e = Assert.Throws<TerminalException>(() => ConsoleMount.BindPeer(pty, rootFd));
            Assert.Contains("/dev/console", e.Message, StringComparison.Ordinal);
            Assert.Contains("symlink", e.Message, StringComparison.Ordinal);
            Assert.Equal("untouched", File.ReadAllText(target));
            Assert.DoesNotContain(File.ReadAllLines("/proc/thread-self/mountinfo"), l => l.Contains("/victim", StringComparison.Ordinal));
        });
    }

    [RootFact]
    public void A_dev_console_on_another_filesystem_is_refused()
    {
        InContainerRoot(root =>
        {
            // Something (a procfs file in the real attack) already mounted over /dev/console.
            var console = Path.Combine(root, "dev/console");
            File.WriteAllText(console, "");
            Assert.Equal(0, Libc.mount("/etc/hostname", console, null, 4096 /* MS_BIND */, null));
            using var rootFd = RootPath.OpenRoot(root);
            using var pty = Pty.OpenInRoot(rootFd);
            var e = Assert.Throws<TerminalException>(() => ConsoleMount.BindPeer(pty, rootFd));
            Assert.Contains("not on /dev's filesystem", e.Message, StringComparison.Ordinal);
        });
    }

    [RootFact]
    public void A_dev_ptmx_replaced_by_the_container_is_refused()
    {
        InContainerRoot(root =>
        {
            var ptmx = Path.Combine(root, "dev/ptmx");
            File.Delete(ptmx);
            File.WriteAllText(ptmx, "not a terminal");
            using var rootFd = RootPath.OpenRoot(root);
            var e = Assert.Throws<TerminalException>(() => Pty.OpenInRoot(rootFd));
            Assert.Contains("not the ptmx character device 5:2", e.Message, StringComparison.Ordinal);

            // A symlink out of the root is resolved inside it (RESOLVE_IN_ROOT): /dev/null of the root, missing here.
            File.Delete(ptmx);
            File.CreateSymbolicLink(ptmx, "/dev/null");
            e = Assert.Throws<TerminalException>(() => Pty.OpenInRoot(rootFd));
            Assert.Equal(Errno.ENOENT, e.Errno);
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a thread with a private mount namespace, given a tmpfs
    /// root holding dev/, a new devpts instance on dev/pts and the dev/ptmx link.
    /// </summary>
    private static void InContainerRoot(Action<string> body)
    {
        var dir = Directory.CreateTempSubdirectory("hutch-console-root-");
        try
        {
            MountNamespaceThread.Run(() =>
            {
                var root = dir.FullName;
                Assert.Equal(0, Libc.mount("tmpfs", root, "tmpfs", 0, "mode=0755"));
                Directory.CreateDirectory(Path.Combine(root, "dev/pts"));
                Assert.Equal(0, Libc.mount("devpts", Path.Combine(root, "dev/pts"), "devpts", 0,
                    "newinstance,ptmxmode=0666,mode=0620"));
                File.CreateSymbolicLink(Path.Combine(root, "dev/ptmx"), "pts/ptmx");
                body(root);
            });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
