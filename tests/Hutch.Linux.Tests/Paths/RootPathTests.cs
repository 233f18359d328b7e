using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Linux.Tests.Mounts;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Paths;

/// <summary>Resolution inside a root: the kernel's openat2 and the hand walk must agree and never leave the root.</summary>
public sealed class RootPathTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-rp-"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-out-"));
    private readonly string _root;

    public RootPathTests()
    {
        _root = Path.Combine(_dir, "rootfs");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
        File.WriteAllText(Path.Combine(_root, "etc", "hostname"), "inside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "hostname"), "outside");
        // The attacks: absolute and relative links that point out of the root.
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "dotdot"), "../../../../../../..");
        File.CreateSymbolicLink(Path.Combine(_root, "etclink"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), "loop1");
        File.CreateSymbolicLink(Path.Combine(_root, "dangling"), "/run/created-by-hutch");
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    public static TheoryData<bool> Resolvers => new() { false, true };

    private SafeFd Open(string path, bool walk, int flags = PathSyscalls.O_PATH)
    {
        using var root = RootPath.OpenRoot(_root);
        return walk ? InRootWalker.Walk(root, path, finalFlags: flags) : RootPath.Open(root, path, flags);
    }

    private string ReadThrough(string path, bool walk)
    {
        using var fd = Open(path, walk, PathSyscalls.O_RDONLY);
        var buffer = new byte[64];
        var n = Libc.Read(fd, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Theory]
    [MemberData(nameof(Resolvers))]
    public void An_absolute_symlink_resolves_relative_to_the_root(bool walk)
    {
        Assert.Equal("inside", ReadThrough("/etclink/hostname", walk));
    }

    [Theory]
    [MemberData(nameof(Resolvers))]
    public void Dotdot_never_climbs_above_the_root(bool walk)
    {
        Assert.Equal("inside", ReadThrough("/../../../etc/hostname", walk));
        Assert.Equal("inside", ReadThrough("/dotdot/etc/hostname", walk));
    }

    [Theory]
    [MemberData(nameof(Resolvers))]
    public void A_symlink_to_a_host_directory_does_not_reach_it(bool walk)
    {
        // /escape -> /tmp/hutch-out-X is looked up as rootfs/tmp/hutch-out-X, which does not exist.
        var e = Assert.Throws<PathException>(() => Open("/escape/hostname", walk).Dispose());
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Theory]
    [MemberData(nameof(Resolvers))]
    public void A_symlink_loop_is_ELOOP(bool walk)
    {
        var e = Assert.Throws<PathException>(() => Open("/loop1/x", walk).Dispose());
        Assert.Equal(Errno.ELOOP, e.Errno);
    }

    [Fact]
    public void MkdirAll_through_an_escaping_symlink_creates_inside_the_root()
    {
        using var root = RootPath.OpenRoot(_root);

        using (RootPath.MkdirAll(root, "/escape/x/y"))
        {
        }

        Assert.True(Directory.Exists(Path.Combine(_root, _outside.TrimStart('/'), "x", "y")));
        Assert.False(Directory.Exists(Path.Combine(_outside, "x")));
    }

    [Fact]
    public void CreateFile_through_a_dangling_symlink_creates_its_target_inside_the_root()
    {
        using var root = RootPath.OpenRoot(_root);

        using (RootPath.CreateFile(root, "/dangling"))
        {
        }

        Assert.True(File.Exists(Path.Combine(_root, "run", "created-by-hutch")));
        Assert.False(File.Exists("/run/created-by-hutch"));
    }

    [Fact]
    public void MkdirAll_refuses_a_file_on_the_way()
    {
        using var root = RootPath.OpenRoot(_root);

        var e = Assert.Throws<PathException>(() => RootPath.MkdirAll(root, "/etc/hostname/sub").Dispose());

        Assert.Equal(Errno.ENOTDIR, e.Errno);
    }

    [Fact]
    public void The_walker_creates_missing_directories_and_returns_the_last_one()
    {
        using var root = RootPath.OpenRoot(_root);

        using var fd = InRootWalker.Walk(root, "a/b/../c", MissingComponent.CreateDirectories);

        Assert.True(Directory.Exists(Path.Combine(_root, "a", "c")));
        Assert.Equal(0, PathSyscalls.Fstat(fd, out var st));
        Assert.Equal(PathSyscalls.S_IFDIR, st.Type);
    }

    [Fact]
    public void Clean_makes_container_paths_absolute_and_canonical()
    {
        Assert.Equal("/", RootPath.Clean(""));
        Assert.Equal("/a/c", RootPath.Clean("a/./b/../c/"));
        Assert.Equal("/x", RootPath.Clean("/../../x"));
    }

    [RootFact]
    public void A_mount_destined_through_a_symlink_lands_inside_the_root()
    {
        var mountPoints = MountNamespaceThread.Run(() =>
        {
            using var root = RootPath.OpenRoot(_root);
            using var target = RootPath.MkdirAll(root, "/escape/x");
            Mounter.Mount("tmpfs", target, "/escape/x", "tmpfs", MountFlags.None, "size=1m");
            return MountInfo.Read().Select(e => e.MountPoint).ToList();
        });

        Assert.Contains(Path.Combine(_root, _outside.TrimStart('/'), "x"), mountPoints);
        Assert.DoesNotContain(mountPoints, m => m.StartsWith(_outside, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_outside, "x")));
    }
}
