using System.Diagnostics;
using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Runtime.Init;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Init;

/// <summary>
/// The init's executable (CVE-2019-5736): a read-only overlay view of the running binary, the
/// sealed memfd copy when the overlay is refused. The test host's own binary stands in for hutch.
/// </summary>
public sealed class InitExecutableTests
{
    [RootFact]
    public void The_overlay_view_is_the_running_binary_and_refuses_writing_with_EROFS()
    {
        var before = OverlayMountLines();
        using (var exe = InitExecutable.Open())
        {
            Assert.Equal(InitExecutableKind.ReadOnlyOverlay, exe.Kind);
            Assert.Null(exe.OverlayRefusal);
            Assert.Equal(Inode("/proc/self/exe"), Inode(exe.Fd));
            Assert.Equal(FileHash.Sha256("/proc/self/exe"), FileHash.Sha256(ProcFd(exe.Fd)));
            Assert.Equal(-Errno.EROFS, OpenForWriting(ProcFd(exe.Fd)));
            Assert.Contains("read-only overlay view", exe.Describe(), StringComparison.Ordinal);
            // Detached: the overlay and its empty tmpfs layer are in no mount namespace.
            Assert.Equal(before, OverlayMountLines());
        }
        Assert.Equal(before, OverlayMountLines());
    }

    [RootFact]
    public void The_view_cannot_be_cloned_nor_remounted_once_its_mount_fds_are_closed()
    {
        using var exe = InitExecutable.Open();
        Assert.Equal(InitExecutableKind.ReadOnlyOverlay, exe.Kind);
        // The detached mount dissolved when its fd closed: only the open file holds it, so not even
        // root can clone it (open_tree) to clear MOUNT_ATTR_RDONLY, nor remount it.
        var e = Assert.Throws<MountException>(() => Mounter.CloneTree(exe.Fd, "", recursive: false, "the overlay view").Dispose());
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.NotEqual(0, Run("mount", "-o", "remount,rw", ProcFd(exe.Fd)).ExitCode);
        Assert.Equal(-Errno.EROFS, OpenForWriting(ProcFd(exe.Fd)));
    }

    [RootFact]
    public void The_overlays_superblock_stays_read_only_with_rdonly_cleared_and_a_remount_rw()
    {
        // Defence in depth, should a mount of the view ever be reachable: the overlay mount as
        // made (fd still open), cloned, MOUNT_ATTR_RDONLY cleared, attached, remounted rw.
        var binary = new FileInfo("/proc/self/exe").LinkTarget!;
        var name = Path.GetFileName(binary);
        var hashBefore = FileHash.Sha256(binary);
        Assert.Equal(0, Libc.OpenAt(null, Path.GetDirectoryName(binary)!, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var directory));
        using (directory)
        using (var overlay = ReadOnlySelfExe.MountOverlay(directory))
        using (var clone = Mounter.CloneTree(overlay, "", recursive: false, "the overlay"))
        {
            Mounter.SetAttributes(clone, "the overlay", recursive: false, MountAttr.None, MountAttr.ReadOnly);
            Assert.Equal(-Errno.EROFS, OpenForWriting(ProcFd(clone) + "/" + name));

            var work = Directory.CreateTempSubdirectory("hutch-selfexe-").FullName;
            var attached = false;
            try
            {
                Assert.Equal(0, Libc.OpenAt(null, work, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var target));
                using (target)
                {
                    Mounter.Attach(clone, target, "the overlay", work);
                    attached = true;
                }
                var remount = Run("mount", "-o", "remount,rw", work);
                Assert.True(remount.ExitCode != 0, "remount,rw of an overlay without an upper layer succeeded: " + remount.Output);
                Assert.Equal(-Errno.EROFS, OpenForWriting(Path.Combine(work, name)));
            }
            finally
            {
                if (attached)
                {
                    Mounter.Unmount(work, MountSyscallFlags.UmountDetach);
                }
                Directory.Delete(work);
            }
        }
        Assert.Equal(hashBefore, FileHash.Sha256(binary));
    }

    [Fact]
    public void Forcing_the_fallback_yields_a_sealed_memfd_copy()
    {
        using var exe = InitExecutable.Open(tryOverlay: false);
        Assert.Equal(InitExecutableKind.SealedMemfd, exe.Kind);
        Assert.Null(exe.OverlayRefusal);
        Assert.Equal((int)SealedSelfCopy.AllSeals, SealedSelfCopy.GetSeals(exe.Fd));
        Assert.Equal(FileHash.Sha256("/proc/self/exe"), FileHash.Sha256(ProcFd(exe.Fd)));
        Assert.Contains("sealed memfd copy", exe.Describe(), StringComparison.Ordinal);
    }

    [RootFact]
    public void A_binary_deleted_from_its_directory_falls_back_to_the_sealed_copy_and_says_why()
    {
        // An upgrade that replaced hutch while it ran: the running inode has no name any more.
        var work = Directory.CreateTempSubdirectory("hutch-selfexe-").FullName;
        try
        {
            var binary = Path.Combine(work, "hutch");
            File.Copy("/bin/true", binary);
            Assert.Equal(0, Libc.OpenAt(null, binary, Libc.O_RDONLY, 0, out var running));
            using (running)
            {
                File.Delete(binary);
                using var exe = InitExecutable.Open(ProcFd(running));
                Assert.Equal(InitExecutableKind.SealedMemfd, exe.Kind);
                Assert.Contains("(deleted)", exe.OverlayRefusal, StringComparison.Ordinal);
                Assert.Contains("sealed memfd copy", exe.Describe(), StringComparison.Ordinal);
                Assert.Contains("refused", exe.Describe(), StringComparison.Ordinal);
                Assert.Equal((int)SealedSelfCopy.AllSeals, SealedSelfCopy.GetSeals(exe.Fd));
                Assert.Equal(FileHash.Sha256("/bin/true"), FileHash.Sha256(ProcFd(exe.Fd)));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [RootFact]
    public void Another_file_under_the_binarys_name_is_refused()
    {
        // The race the identity check closes: the directory entry names another file by the time the overlay looks.
        var work = Directory.CreateTempSubdirectory("hutch-selfexe-").FullName;
        try
        {
            File.Copy("/bin/true", Path.Combine(work, "hutch"));
            File.Copy("/bin/true", Path.Combine(work, "running"));
            Assert.Equal(0, Libc.OpenAt(null, Path.Combine(work, "running"), Libc.O_PATH, 0, out var running));
            Assert.Equal(0, Libc.OpenAt(null, work, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var directory));
            using (running)
            using (directory)
            {
                var e = Assert.Throws<InitException>(() => ReadOnlySelfExe.OpenInDirectory(directory, work, "hutch", running).Dispose());
                Assert.Contains("is not the running binary", e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [RootFact]
    public void A_symlink_in_the_binarys_place_is_refused_not_followed()
    {
        var work = Directory.CreateTempSubdirectory("hutch-selfexe-").FullName;
        try
        {
            var real = Path.Combine(work, "real");
            File.Copy("/bin/true", real);
            File.CreateSymbolicLink(Path.Combine(work, "hutch"), real);
            Assert.Equal(0, Libc.OpenAt(null, real, Libc.O_PATH, 0, out var running));
            Assert.Equal(0, Libc.OpenAt(null, work, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var directory));
            using (running)
            using (directory)
            {
                var e = Assert.Throws<InitException>(() => ReadOnlySelfExe.OpenInDirectory(directory, work, "hutch", running).Dispose());
                Assert.Contains("is not the running binary", e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string ProcFd(SafeFd fd) => "/proc/self/fd/" + fd.Fd.ToString(CultureInfo.InvariantCulture);

    private static ulong Inode(string path)
    {
        Assert.Equal(0, Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, out var stat));
        return stat.Ino;
    }

    private static ulong Inode(SafeFd fd)
    {
        Assert.Equal(0, Libc.statx(fd.Fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_INO, out var stat));
        return stat.Ino;
    }

    /// <summary>0, or -errno of open(path, O_WRONLY).</summary>
    private static int OpenForWriting(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY, 0, out var fd);
        fd.Dispose();
        return rc;
    }

    /// <summary>This process's mountinfo lines of an overlay or a tmpfs made through /proc/self/fd layers (ours would be).</summary>
    private static string[] OverlayMountLines() => File.ReadAllLines("/proc/self/mountinfo")
        .Where(line => line.Contains("lowerdir=/proc/self/fd/", StringComparison.Ordinal) || line.Contains("size=4k", StringComparison.Ordinal))
        .ToArray();

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
