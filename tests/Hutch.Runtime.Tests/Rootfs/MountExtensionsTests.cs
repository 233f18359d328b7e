using System.Text;
using System.Text.Json.Nodes;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Runtime.Rootfs;
using Hutch.Testing;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Tests.Rootfs;

/// <summary>
/// The runtime's mount extensions for real, as root, on a thread with its own mount namespace.
/// tmpcopyup: the directory a tmpfs covers is copied into it with contents, owners, modes, times,
/// symlinks, hard links, special files and xattrs; the options' own mode= wins; notmpcopyup undoes
/// it. copy-symlink, src-nofollow, dest-nofollow: symlinks copied or bound as themselves. Misuse
/// is refused.
/// </summary>
public class MountExtensionsTests
{
    private sealed record Seen(uint Type, uint Perm, uint Uid, uint Gid, ulong Inode, uint Links, long Mtime);

    private static JsonObject Tmpfs(string destination, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = "tmpfs",
        ["source"] = "tmpfs",
        ["options"] = new JsonArray([.. options.Select(o => JsonValue.Create(o))]),
    };

    private static RootfsBuilder Build(TestBundle bundle, params JsonObject[] mounts)
    {
        var config = new JsonObject
        {
            ["ociVersion"] = "1.3.0",
            ["root"] = new JsonObject { ["path"] = "rootfs" },
            // /proc for the mountinfo read after pivot_root.
            ["mounts"] = new JsonArray([new JsonObject { ["destination"] = "/proc", ["type"] = "proc", ["source"] = "proc" }, .. mounts]),
            ["linux"] = new JsonObject(),
        };
        File.WriteAllText(Path.Combine(bundle.Dir, "config.json"), config.ToJsonString());
        var builder = RootfsBuilder.ForBundle(bundle.Dir, new RootfsOptions());
        try
        {
            builder.Prepare();
            builder.PivotRoot();
            builder.FinishAfterPivot();
            return builder;
        }
        catch
        {
            builder.Dispose();
            throw;
        }
    }

    private static Seen? Look(string path)
    {
        if (OpenAt(null, path, O_PATH | O_NOFOLLOW, 0, out var fd) < 0)
        {
            fd.Dispose();
            return null;
        }
        using (fd)
        {
            Assert.Equal(0, Fstat(fd, out var st));
            return new Seen(st.Type, st.Mode & 0xFFFu, st.Uid, st.Gid, st.Ino, st.Nlink, st.MtimeSeconds);
        }
    }

    private static unsafe string? Xattr(string path, string name)
    {
        if (OpenAt(null, path, O_RDONLY, 0, out var fd) < 0)
        {
            fd.Dispose();
            return null;
        }
        using (fd)
        {
            var buffer = new byte[256];
            fixed (byte* p = buffer)
            {
                var n = Libc.fgetxattr(fd.Fd, name, p, (nuint)buffer.Length);
                return n < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
            }
        }
    }

    private static void Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }

    /// <summary>Sets a user.* xattr; false where the filesystem refuses them.</summary>
    private static unsafe bool TrySetXattr(string path, string name, string value)
    {
        Assert.Equal(0, OpenAt(null, path, O_RDONLY, 0, out var fd));
        using (fd)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            fixed (byte* p = bytes)
            {
                return Libc.fsetxattr(fd.Fd, name, p, (nuint)bytes.Length, 0) == 0;
            }
        }
    }

    /// <summary>A directory tree with one of everything, owned and moded unlike the defaults.</summary>
    private static (long Mtime, bool UserXattr) Populate(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "file"), "contents\n");
        File.WriteAllText(Path.Combine(dir, ".hidden"), "dot\n");
        Directory.CreateDirectory(Path.Combine(dir, "sub", "deeper"));
        File.WriteAllText(Path.Combine(dir, "sub", "deeper", "leaf"), "leaf\n");
        File.WriteAllText(Path.Combine(dir, "setuid"), "#!/bin/sh\n");
        Run("chown", "1000:1001", Path.Combine(dir, "file"));
        Run("chmod", "0640", Path.Combine(dir, "file"));
        Run("chown", "2000:2001", Path.Combine(dir, "sub"));
        Run("chmod", "0710", Path.Combine(dir, "sub"));
        Run("chmod", "04755", Path.Combine(dir, "setuid"));
        Run("ln", Path.Combine(dir, "file"), Path.Combine(dir, "hardlink"));
        Run("ln", "-s", "file", Path.Combine(dir, "symlink"));
        Run("ln", "-s", "/nowhere/at/all", Path.Combine(dir, "dangling"));
        Run("chown", "-h", "3000:3001", Path.Combine(dir, "symlink"));
        Run("mkfifo", "-m", "0620", Path.Combine(dir, "fifo"));
        Run("mknod", "-m", "0666", Path.Combine(dir, "null"), "c", "1", "3");
        Run("chown", "4000:4001", dir);
        Run("chmod", "0751", dir);
        Run("touch", "-h", "-d", "2001-02-03 04:05:06Z", Path.Combine(dir, "file"), Path.Combine(dir, "symlink"), Path.Combine(dir, "sub"));
        // user.* xattrs where the host filesystem under the bundle allows them.
        var userXattr = TrySetXattr(Path.Combine(dir, "file"), "user.hutch", "copied");
        return (new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero).ToUnixTimeSeconds(), userXattr);
    }

    [RootFact]
    public void The_covered_directory_is_copied_with_owners_modes_times_links_and_xattrs()
    {
        using var bundle = new TestBundle();
        var (mtime, userXattr) = Populate(Path.Combine(bundle.Rootfs, "run"));

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, Tmpfs("/run", "rw", "nosuid", "nodev", "tmpcopyup"));
            var paths = new[] { "/run", "/run/file", "/run/.hidden", "/run/sub", "/run/sub/deeper", "/run/sub/deeper/leaf", "/run/setuid",
                "/run/hardlink", "/run/symlink", "/run/dangling", "/run/fifo", "/run/null" };
            return new
            {
                Nodes = paths.ToDictionary(p => p, Look),
                File = Probe.Read("/run/file"),
                Leaf = Probe.Read("/run/sub/deeper/leaf"),
                Symlink = Probe.ReadLink("/run/symlink"),
                Dangling = Probe.ReadLink("/run/dangling"),
                Xattr = Xattr("/run/file", "user.hutch"),
                Info = MountInfo.Read(),
                Write = Probe.TryWrite("/run/new"),
            };
        });

        var run = seen.Info.Last(e => e.MountPoint == "/run");
        Assert.Equal("tmpfs", run.FsType);
        Assert.True(run.HasOption("nosuid"));
        Assert.True(run.HasOption("nodev"));
        Assert.Equal(0, seen.Write);
        var n = seen.Nodes;
        Assert.Equal((S_IFDIR, 0x1E9u /* 0751 */, 4000u, 4001u), (n["/run"]!.Type, n["/run"]!.Perm, n["/run"]!.Uid, n["/run"]!.Gid));
        Assert.Equal((S_IFREG, 0x1A0u /* 0640 */, 1000u, 1001u, mtime), (n["/run/file"]!.Type, n["/run/file"]!.Perm, n["/run/file"]!.Uid, n["/run/file"]!.Gid, n["/run/file"]!.Mtime));
        Assert.Equal("contents\n", seen.File);
        Assert.NotNull(n["/run/.hidden"]);
        Assert.Equal((S_IFDIR, 0x1C8u /* 0710 */, 2000u, 2001u, mtime), (n["/run/sub"]!.Type, n["/run/sub"]!.Perm, n["/run/sub"]!.Uid, n["/run/sub"]!.Gid, n["/run/sub"]!.Mtime));
        Assert.Equal(S_IFDIR, n["/run/sub/deeper"]!.Type);
        Assert.Equal("leaf\n", seen.Leaf);
        Assert.Equal(0x9EDu /* 04755 */, n["/run/setuid"]!.Perm);
        Assert.Equal(n["/run/file"]!.Inode, n["/run/hardlink"]!.Inode);
        Assert.Equal(2u, n["/run/file"]!.Links);
        Assert.Equal((S_IFLNK, 3000u, 3001u, mtime), (n["/run/symlink"]!.Type, n["/run/symlink"]!.Uid, n["/run/symlink"]!.Gid, n["/run/symlink"]!.Mtime));
        Assert.Equal("file", seen.Symlink);
        Assert.Equal("/nowhere/at/all", seen.Dangling);
        Assert.Equal((S_IFIFO, 0x190u /* 0620 */), (n["/run/fifo"]!.Type, n["/run/fifo"]!.Perm));
        Assert.Equal((S_IFCHR, 0x1B6u /* 0666 */), (n["/run/null"]!.Type, n["/run/null"]!.Perm));
        if (userXattr)
        {
            Assert.Equal("copied", seen.Xattr);
        }
    }

    [RootFact]
    public void Mode_in_the_options_wins_over_the_directorys_and_ro_is_applied_after_the_copy()
    {
        using var bundle = new TestBundle();
        Populate(Path.Combine(bundle.Rootfs, "srv"));

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, Tmpfs("/srv", "ro", "mode=700", "size=1m", "tmpcopyup"));
            return (Look("/srv"), Probe.Read("/srv/file"), Probe.TryWrite("/srv/new"), MountInfo.Read().Last(e => e.MountPoint == "/srv"));
        });

        Assert.Equal(0x1C0u /* 0700 */, seen.Item1!.Perm);
        Assert.Equal((4000u, 4001u), (seen.Item1.Uid, seen.Item1.Gid));
        Assert.Equal("contents\n", seen.Item2);
        Assert.Equal(-Errno.EROFS, seen.Item3);
        Assert.True(seen.Item4.HasOption("ro"));
        Assert.Contains("size=1024k", seen.Item4.SuperOptions);
    }

    [RootFact]
    public void Notmpcopyup_after_tmpcopyup_mounts_an_empty_tmpfs_and_a_missing_directory_gets_an_empty_one()
    {
        using var bundle = new TestBundle();
        Populate(Path.Combine(bundle.Rootfs, "srv"));

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, Tmpfs("/srv", "tmpcopyup", "notmpcopyup"), Tmpfs("/new/dir", "tmpcopyup"));
            return (Directory.GetFileSystemEntries("/srv"), Directory.GetFileSystemEntries("/new/dir"),
                MountInfo.Read().Last(e => e.MountPoint == "/new/dir").FsType);
        });

        Assert.Empty(seen.Item1);
        Assert.Empty(seen.Item2);
        Assert.Equal("tmpfs", seen.Item3);
    }

    [RootFact]
    public void Tmpcopyup_on_a_bind_mount_is_refused()
    {
        using var bundle = new TestBundle();
        var bind = new JsonObject
        {
            ["destination"] = "/mnt",
            ["type"] = "bind",
            ["source"] = bundle.HostDir("src"),
            ["options"] = new JsonArray("rbind", "tmpcopyup"),
        };

        var error = MountNamespaceThread.Run(() => Record.Exception(() => Build(bundle, bind).Dispose()));

        Assert.Contains("tmpcopyup applies to tmpfs mounts only", Assert.IsType<MountException>(error).Message, StringComparison.Ordinal);
    }

    private static JsonObject BindMount(string destination, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = "bind",
        ["source"] = source,
        ["options"] = new JsonArray([.. options.Select(o => JsonValue.Create(o))]),
    };

    [RootFact]
    public void Copy_symlink_makes_the_sources_symlink_at_the_destination_instead_of_a_mount()
    {
        using var bundle = new TestBundle();
        var link = Path.Combine(bundle.HostDir("host"), "link");
        File.CreateSymbolicLink(link, "../some/target");

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, BindMount("/etc/copied", link, "bind", "copy-symlink"));
            return (Look("/etc/copied"), Probe.ReadLink("/etc/copied"), MountInfo.Read());
        });

        Assert.Equal(S_IFLNK, seen.Item1!.Type);
        Assert.Equal("../some/target", seen.Item2);
        Assert.DoesNotContain(seen.Item3, e => e.MountPoint == "/etc/copied");
    }

    [RootFact]
    public void Src_nofollow_binds_the_symlink_itself_and_dest_nofollow_mounts_over_a_symlink()
    {
        using var bundle = new TestBundle();
        var host = bundle.HostDir("host");
        var link = Path.Combine(host, "link");
        File.CreateSymbolicLink(link, "/points/elsewhere");
        var file = Path.Combine(host, "file");
        File.WriteAllText(file, "over the symlink\n");
        File.CreateSymbolicLink(Path.Combine(bundle.Rootfs, "etc", "dangling"), "/made/if/followed");

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, BindMount("/mnt/link", link, "bind", "src-nofollow"),
                BindMount("/etc/dangling", file, "bind", "ro", "dest-nofollow"));
            return (Look("/mnt/link"), Probe.ReadLink("/mnt/link"), Probe.Read("/etc/dangling"), Look("/made/if/followed"),
                MountInfo.Read());
        });

        Assert.Equal(S_IFLNK, seen.Item1!.Type);
        Assert.Equal("/points/elsewhere", seen.Item2);
        Assert.Contains(seen.Item5, e => e.MountPoint == "/mnt/link");
        Assert.Equal("over the symlink\n", seen.Item3);
        Assert.Null(seen.Item4);
        Assert.True(seen.Item5.Last(e => e.MountPoint == "/etc/dangling").HasOption("ro"));
    }

    [RootTheory]
    [InlineData("copy-symlink", "src-nofollow", "copy-symlink cannot be combined")]
    [InlineData("dest-nofollow", "rbind", "the destination must exist")]
    public void Bind_extensions_misused_are_refused(string first, string second, string expected)
    {
        using var bundle = new TestBundle();
        var link = Path.Combine(bundle.HostDir("host"), "link");
        File.CreateSymbolicLink(link, "target");
        File.WriteAllText(Path.Combine(bundle.Dir, "host", "target"), "file\n");

        var error = MountNamespaceThread.Run(() => Record.Exception(() => Build(bundle, BindMount("/mnt/missing", link, "bind", first, second)).Dispose()));

        Assert.Contains(expected, Assert.IsType<MountException>(error).Message, StringComparison.Ordinal);
    }

    [RootFact]
    public void Bind_extensions_on_a_tmpfs_are_refused()
    {
        using var bundle = new TestBundle();

        var error = MountNamespaceThread.Run(() => Record.Exception(() => Build(bundle, Tmpfs("/mnt", "copy-symlink")).Dispose()));

        Assert.Contains("apply to bind mounts only", Assert.IsType<MountException>(error).Message, StringComparison.Ordinal);
    }
}
