using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// CVE-2019-5736: the init runs from a read-only overlay view of hutch (no copy), never from the
/// host's hutch file writable: /proc/PID/exe refuses writing with EROFS, cannot be cloned nor
/// remounted read-write, and the host binary stays byte-for-byte unchanged. The sealed memfd
/// fallback is tested in Hutch.Runtime.Tests (InitExecutableTests).
/// </summary>
public sealed class SealedInitTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    // Enough to mount and to reach /proc/1/exe of the (non-dumpable) init.
    private static readonly string[] PrivilegedCapabilities = ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"];

    [ContainerFact]
    public void The_inits_exe_is_a_read_only_overlay_view_of_hutch_that_refuses_writing_with_EROFS()
    {
        var hashBefore = FileHash.Sha256(HutchBinary.PathName);
        var mountsBefore = ViewMounts("/proc/self/mountinfo");
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        var pidFile = Path.Combine(bundle, "pid");
        var create = host.Hutch("--debug", "create", "--bundle", bundle, "--pid-file", pidFile, id);
        Assert.Equal(0, create.ExitCode);
        Assert.Contains("init executable: read-only overlay view of hutch", create.Stderr, StringComparison.Ordinal);
        var pid = int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
        var exe = $"/proc/{pid}/exe";

        // The overlay's root holds the binary's directory: the link names the file at its root.
        Assert.Equal("/" + Path.GetFileName(HutchBinary.PathName), new FileInfo(exe).LinkTarget);
        Assert.Equal(Inode(HutchBinary.PathName), Inode(exe));
        // EROFS, not ETXTBSY: the overlay has no upper layer, so its superblock is read-only.
        Assert.Equal(-Errno.EROFS, OpenForWriting(exe));
        // Its mount dissolved when create closed the mount fd: not even host root can clone it to
        // clear MOUNT_ATTR_RDONLY (open_tree EINVAL), nor remount it read-write.
        var clone = Assert.Throws<MountException>(() => Mounter.CloneTree(null, exe, recursive: false, exe).Dispose());
        Assert.Equal(Errno.EINVAL, clone.Errno);
        Assert.NotEqual(0, Run("mount", "-o", "remount,rw", exe).ExitCode);
        Assert.Equal(-Errno.EROFS, OpenForWriting(exe));

        // Detached: no overlay in the host's mount table nor in the container's.
        Assert.Empty(ViewMounts($"/proc/{pid}/mountinfo"));
        Assert.Equal(mountsBefore, ViewMounts("/proc/self/mountinfo"));
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
        Assert.Equal(mountsBefore, ViewMounts("/proc/self/mountinfo"));
        Assert.Equal(hashBefore, FileHash.Sha256(HutchBinary.PathName));
    }

    [ContainerFact]
    public void A_privileged_process_in_the_container_can_neither_write_the_inits_exe_nor_bind_mount_it()
    {
        var hashBefore = FileHash.Sha256(HutchBinary.PathName);
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Process.Capabilities = new()
            {
                Bounding = [.. PrivilegedCapabilities],
                Effective = [.. PrivilegedCapabilities],
                Permitted = [.. PrivilegedCapabilities],
            };
        });
        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);

        // PID 1 is still hutch's init (created, not started). A bind mount of its exe (to then
        // remount that read-write) is refused: the view's mount is in no namespace any more.
        var attack = host.Hutch("exec", id, "sh", "-c",
            "echo x >> /proc/1/exe; echo append=$?; " +
            "mount -t tmpfs scratch /tmp && touch /tmp/exe && echo made-target; " +
            "mount --bind /proc/1/exe /tmp/exe; echo bind=$?");
        Assert.Equal(0, attack.ExitCode);
        Assert.Contains("append=1", attack.Stdout, StringComparison.Ordinal);
        Assert.Contains("/proc/1/exe: Read-only file system", attack.Stderr, StringComparison.Ordinal);
        Assert.Contains("made-target", attack.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("bind=0", attack.Stdout, StringComparison.Ordinal);
        Assert.Contains("/proc/1/exe on /tmp/exe failed: Invalid argument", attack.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
        Assert.Equal(hashBefore, FileHash.Sha256(HutchBinary.PathName));
    }

    private static ulong Inode(string path)
    {
        Assert.Equal(0, Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, out var stat));
        return stat.Ino;
    }

    /// <summary>0, or -errno of open(path, O_WRONLY).</summary>
    private static int OpenForWriting(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY, 0, out var fd);
        fd.Dispose();
        return rc;
    }

    /// <summary>The mountinfo lines an init executable's overlay would show (its layers are /proc/self/fd paths).</summary>
    private static string[] ViewMounts(string mountinfo) => File.ReadAllLines(mountinfo)
        .Where(line => line.Contains("lowerdir=/proc/self/fd/", StringComparison.Ordinal))
        .ToArray();

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
