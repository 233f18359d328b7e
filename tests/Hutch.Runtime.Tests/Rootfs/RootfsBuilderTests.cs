using Hutch.Linux;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Runtime.Rootfs;
using System.Text.Json.Nodes;
using Hutch.Testing;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Tests.Rootfs;

/// <summary>
/// The rootfs builder for real, as root, each test on a thread with its own mount namespace
/// (MountNamespaceThread): the mounts, the pivot and the masks vanish with the thread.
/// </summary>
public class RootfsBuilderTests
{
    private static JsonObject M(string destination, string? type, string? source, params string[] options)
    {
        var mount = new JsonObject { ["destination"] = destination, ["options"] = new JsonArray([.. options.Select(o => JsonValue.Create(o))]) };
        if (type is not null)
        {
            mount["type"] = type;
        }
        if (source is not null)
        {
            mount["source"] = source;
        }
        return mount;
    }

    /// <summary>The mounts `runc spec` writes (cgroup left out: see the cgroup test).</summary>
    private static List<JsonObject> RuncMounts() =>
    [
        M("/proc", "proc", "proc"),
        M("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
        M("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
        M("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
        M("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
        M("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
    ];

    /// <summary>A config.json (written into the bundle by <see cref="Open"/>); tests add to "linux" and "root".</summary>
    private static JsonObject Config(List<JsonObject> mounts, Action<JsonObject>? linux = null)
    {
        var linuxObject = new JsonObject();
        linux?.Invoke(linuxObject);
        return new JsonObject
        {
            ["ociVersion"] = "1.3.0",
            ["root"] = new JsonObject { ["path"] = "rootfs" },
            ["mounts"] = new JsonArray([.. mounts]),
            ["linux"] = linuxObject,
        };
    }

    private static RootfsBuilder Open(TestBundle bundle, JsonObject config, bool noPivot = false, bool bindDevices = false)
    {
        File.WriteAllText(Path.Combine(bundle.Dir, "config.json"), config.ToJsonString());
        return RootfsBuilder.ForBundle(bundle.Dir, new RootfsOptions { NoPivot = noPivot, BindDevices = bindDevices });
    }

    private static RootfsBuilder Build(TestBundle bundle, JsonObject config, bool noPivot = false, bool bindDevices = false)
    {
        var builder = Open(bundle, config, noPivot, bindDevices);
        builder.Prepare();
        builder.PivotRoot();
        return builder;
    }

    private static JsonArray Strings(params string[] values) => new([.. values.Select(v => JsonValue.Create(v))]);

    private static MountInfoEntry At(IReadOnlyList<MountInfoEntry> mounts, string mountPoint) =>
        mounts.Last(e => e.MountPoint == mountPoint);

    [RootFact]
    public void Runc_default_mounts_binds_and_recursive_ro_are_in_mountinfo_after_pivot_root()
    {
        using var bundle = new TestBundle();
        var data = bundle.HostDir("data");
        File.WriteAllText(Path.Combine(data, "hello"), "hi");
        var tree = bundle.HostDir("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        var hostFile = Path.Combine(bundle.Dir, "resolv.conf");
        File.WriteAllText(hostFile, "nameserver 198.18.0.1\n");
        var mounts = RuncMounts();
        mounts.Add(M("/mnt/data", "bind", data, "bind", "ro", "nosuid"));
        mounts.Add(M("/mnt/tree", "bind", tree, "rbind", "rro", "rprivate"));
        mounts.Add(M("/etc/resolv.conf", "bind", hostFile, "bind"));
        mounts.Add(M("/run", "tmpfs", "tmpfs", "nodev", "noatime", "mode=700"));
        var config = Config(mounts);

        var (root, info, writes, resolv) = MountNamespaceThread.Run(() =>
        {
            // A submount in the bind source: rro must reach it, "ro" alone would not.
            Mounter.MountPath("tmpfs", Path.Combine(tree, "sub"), "tmpfs", MountFlags.None, "size=1m");
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            var writes = new[] { "/mnt/data/new", "/mnt/tree/new", "/mnt/tree/sub/new", "/run/new", "/sys/new" }
                .ToDictionary(p => p, Probe.TryWrite);
            return (Directory.GetFileSystemEntries("/").Order().ToList(), MountInfo.Read(), writes, Probe.Read("/etc/resolv.conf"));
        });

        // pivot_root: / is the busybox rootfs and the old root is gone.
        Assert.Contains("/bin", root);
        Assert.Contains("/etc", root);
        Assert.DoesNotContain(info, e => e.MountPoint.StartsWith(bundle.Dir, StringComparison.Ordinal));
        Assert.Equal("/", info[0].MountPoint);

        Assert.Equal("proc", At(info, "/proc").FsType);
        var dev = At(info, "/dev");
        Assert.Equal("tmpfs", dev.FsType);
        Assert.True(dev.HasOption("nosuid"));
        Assert.Contains("mode=755", dev.SuperOptions);
        var pts = At(info, "/dev/pts");
        Assert.Equal("devpts", pts.FsType);
        Assert.Contains("ptmxmode=666", pts.SuperOptions);
        Assert.True(At(info, "/dev/shm").HasOption("nodev"));
        Assert.Equal("mqueue", At(info, "/dev/mqueue").FsType);
        var sys = At(info, "/sys");
        Assert.Equal("sysfs", sys.FsType);
        Assert.True(sys.HasOption("ro"));
        var run = At(info, "/run");
        Assert.True(run.HasOption("noatime"));
        Assert.True(run.HasOption("nodev"));

        var bind = At(info, "/mnt/data");
        Assert.True(bind.HasOption("ro"));
        Assert.True(bind.HasOption("nosuid"));
        Assert.True(At(info, "/mnt/tree").HasOption("ro"));
        Assert.True(At(info, "/mnt/tree/sub").HasOption("ro"));
        Assert.False(At(info, "/mnt/tree").HasPropagation("shared"));
        Assert.Equal("tmpfs", At(info, "/mnt/tree/sub").FsType);
        Assert.Equal("nameserver 198.18.0.1\n", resolv);

        Assert.Equal(-Errno.EROFS, writes["/mnt/data/new"]);
        Assert.Equal(-Errno.EROFS, writes["/mnt/tree/new"]);
        Assert.Equal(-Errno.EROFS, writes["/mnt/tree/sub/new"]);
        Assert.Equal(-Errno.EROFS, writes["/sys/new"]);
        Assert.Equal(0, writes["/run/new"]);
    }

    [RootFact]
    public void Dev_has_the_default_devices_links_and_the_config_devices()
    {
        using var bundle = new TestBundle();
        var config = Config(RuncMounts(), linux => linux["devices"] = new JsonArray(
            new JsonObject { ["path"] = "/dev/fuse", ["type"] = "c", ["major"] = 10, ["minor"] = 229, ["fileMode"] = 0x180 /* 0600 */, ["uid"] = 1000, ["gid"] = 1001 },
            new JsonObject { ["path"] = "/dev/sub/fifo", ["type"] = "p", ["fileMode"] = 0x1A4 }));

        var (nodes, links) = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            var nodes = new[] { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/fuse", "/dev/sub/fifo", "/dev/pts", "/dev/shm" }
                .ToDictionary(p => p, Probe.Stat);
            var links = new[] { "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/ptmx" }.ToDictionary(p => p, Probe.ReadLink);
            return (nodes, links);
        });

        foreach (var (path, major, minor) in DeviceNodes.Defaults)
        {
            var node = nodes[path];
            Assert.NotNull(node);
            Assert.Equal((S_IFCHR, major, minor, 0x1B6u), (node.Type, node.Major, node.Minor, node.Perm));
        }
        Assert.Equal(new Probe.Node(S_IFCHR, 10, 229, 0x180, 1000, 1001), nodes["/dev/fuse"]);
        Assert.Equal(S_IFIFO, nodes["/dev/sub/fifo"]!.Type);
        Assert.Equal(0x1A4u, nodes["/dev/sub/fifo"]!.Perm);
        Assert.Equal(S_IFDIR, nodes["/dev/pts"]!.Type);
        Assert.Equal(S_IFDIR, nodes["/dev/shm"]!.Type);
        Assert.Equal("/proc/self/fd", links["/dev/fd"]);
        Assert.Equal("/proc/self/fd/0", links["/dev/stdin"]);
        Assert.Equal("/proc/self/fd/1", links["/dev/stdout"]);
        Assert.Equal("/proc/self/fd/2", links["/dev/stderr"]);
        Assert.Equal("pts/ptmx", links["/dev/ptmx"]);
    }

    [RootFact]
    public void Devices_are_bind_mounted_from_the_host_where_mknod_is_not_allowed()
    {
        using var bundle = new TestBundle();
        var config = Config(RuncMounts());

        var (node, info) = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config, bindDevices: true);
            return (Probe.Stat("/dev/null"), MountInfo.Read());
        });

        Assert.Equal((S_IFCHR, 1u, 3u), (node!.Type, node.Major, node.Minor));
        Assert.Contains(info, e => e.MountPoint == "/dev/null");
    }

    [RootFact]
    public void Masked_and_readonly_paths_and_a_readonly_root_hold()
    {
        using var bundle = new TestBundle();
        File.WriteAllText(Path.Combine(bundle.Rootfs, "etc", "secret"), "top secret");
        Directory.CreateDirectory(Path.Combine(bundle.Rootfs, "masked-dir"));
        File.WriteAllText(Path.Combine(bundle.Rootfs, "masked-dir", "inside"), "hidden");
        Directory.CreateDirectory(Path.Combine(bundle.Rootfs, "ro-dir"));
        var config = Config(RuncMounts(), linux =>
        {
            linux["maskedPaths"] = Strings("/proc/kcore", "/proc/cmdline", "/etc/secret", "/masked-dir", "/does/not/exist");
            linux["readonlyPaths"] = Strings("/proc/sys", "/ro-dir", "/not/there/either");
        });
        config["root"]!["readonly"] = true;

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            return new
            {
                Secret = Probe.Read("/etc/secret"),
                Cmdline = Probe.Read("/proc/cmdline"),
                MaskedDir = Directory.GetFileSystemEntries("/masked-dir"),
                MaskedDirWrite = Probe.TryWrite("/masked-dir/new"),
                SecretWrite = Probe.TryWrite("/etc/secret"),
                RoDirWrite = Probe.TryWrite("/ro-dir/new"),
                ProcSysWrite = Probe.TryWrite("/proc/sys/kernel/hostname"),
                RootWrite = Probe.TryWrite("/new-file"),
                DevWrite = Probe.TryWrite("/dev/shm/new"),
                Info = MountInfo.Read(),
            };
        });

        Assert.Equal("", seen.Secret);
        Assert.Equal("", seen.Cmdline); // a masked procfs file (/proc/kcore is not in every kernel; a missing one is skipped)
        Assert.Empty(seen.MaskedDir);
        Assert.Equal(-Errno.EROFS, seen.MaskedDirWrite);
        Assert.Equal(-Errno.EROFS, seen.RoDirWrite);
        Assert.Equal(-Errno.EROFS, seen.ProcSysWrite);
        Assert.Equal(-Errno.EROFS, seen.RootWrite);
        Assert.Equal(0, seen.DevWrite);
        // Writing the masked file writes /dev/null: allowed, and nothing reaches the secret.
        Assert.Equal(0, seen.SecretWrite);
        Assert.Equal("top secret", File.ReadAllText(Path.Combine(bundle.Rootfs, "etc", "secret")));
        // readonlyPaths kept the source's nosuid, nodev, noexec (proc is mounted with all three).
        var procSys = At(seen.Info, "/proc/sys");
        Assert.True(procSys.HasOption("ro"));
        Assert.True(At(seen.Info, "/").HasOption("ro"));
    }

    [RootTheory]
    [InlineData("file")]
    [InlineData("symlink")]
    [InlineData("wrong-device")]
    public void A_dev_null_that_is_not_the_null_device_is_refused_for_masking(string kind)
    {
        using var bundle = new TestBundle();
        File.WriteAllText(Path.Combine(bundle.Rootfs, "etc", "secret"), "top secret");
        var devNull = Path.Combine(bundle.Rootfs, "dev", "null");
        // No /dev mount in the config: the image's /dev is used as it is (an existing node is kept).
        var mounts = new List<JsonObject> { M("/proc", "proc", "proc") };
        switch (kind)
        {
            case "file":
                File.WriteAllText(devNull, "");
                break;
            case "symlink":
                File.CreateSymbolicLink(devNull, "/etc/passwd");
                break;
            default:
                // A character device, but /dev/zero's numbers.
                using (var dev = RootPath.OpenRoot(Path.Combine(bundle.Rootfs, "dev")))
                {
                    Assert.Equal(0, MknodAt(dev, "null", S_IFCHR | 0x1B6, 1, 5));
                }
                break;
        }
        var config = Config(mounts, linux => linux["maskedPaths"] = Strings("/etc/secret"));

        var (error, secret) = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            var error = Record.Exception(builder.FinishAfterPivot);
            return (error, Probe.Read("/etc/secret"));
        });

        var mountError = Assert.IsType<MountException>(error);
        Assert.Contains("1:3", mountError.Message, StringComparison.Ordinal);
        Assert.Equal("top secret", secret);
    }

    [RootFact]
    public void A_symlink_in_the_rootfs_never_leads_a_mount_outside_it()
    {
        using var bundle = new TestBundle();
        var outside = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-out-"));
        Directory.CreateDirectory(outside);
        try
        {
            File.CreateSymbolicLink(Path.Combine(bundle.Rootfs, "escape"), outside);
            File.CreateSymbolicLink(Path.Combine(bundle.Rootfs, "up"), "../../../../..");
            var source = bundle.HostDir("source");
            var hostFile = Path.Combine(bundle.Dir, "file");
            File.WriteAllText(hostFile, "x");
            var config = Config(
            [
                M("/escape/tmp", "tmpfs", "tmpfs"),
                M("/escape/bind", "bind", source, "rbind"),
                M("/up/tmp/file", "bind", hostFile, "bind"),
            ]);

            var info = MountNamespaceThread.Run(() =>
            {
                using var builder = Open(bundle, config);
                builder.Prepare();
                return MountInfo.Read();
            });

            var inside = Path.Combine(bundle.Rootfs, outside.TrimStart('/'));
            Assert.Contains(info, e => e.MountPoint == Path.Combine(inside, "tmp"));
            Assert.Contains(info, e => e.MountPoint == Path.Combine(inside, "bind"));
            Assert.Contains(info, e => e.MountPoint == Path.Combine(bundle.Rootfs, "tmp", "file"));
            Assert.DoesNotContain(info, e => e.MountPoint.StartsWith(outside, StringComparison.Ordinal));
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [RootFact]
    public void No_pivot_chroots_into_the_rootfs()
    {
        using var bundle = new TestBundle();
        var config = Config([M("/proc", "proc", "proc")]);

        var entries = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config, noPivot: true);
            builder.FinishAfterPivot();
            return Directory.GetFileSystemEntries("/").Order().ToList();
        });

        Assert.Contains("/bin", entries);
        Assert.Contains("/proc", entries);
        Assert.DoesNotContain("/work", entries);
    }

    [RootTheory]
    [InlineData("rshared")]
    [InlineData("rprivate")]
    [InlineData("slave")]
    public void Pivot_root_works_with_each_rootfs_propagation(string propagation)
    {
        using var bundle = new TestBundle();
        var config = Config([M("/proc", "proc", "proc")], linux => linux["rootfsPropagation"] = propagation);

        var entries = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            return Directory.GetFileSystemEntries("/").Order().ToList();
        });

        Assert.Contains("/bin", entries);
        Assert.DoesNotContain("/work", entries);
    }

    [RootFact]
    public void Hostname_domainname_and_sysctl_are_set_in_the_containers_namespaces()
    {
        using var bundle = new TestBundle();
        var config = Config([M("/proc", "proc", "proc")], linux => linux["sysctl"] = new JsonObject
        {
            ["net.ipv4.ip_unprivileged_port_start"] = "555",
            ["kernel.shmmni"] = "1234",
        });
        config["hostname"] = "hutch-test";
        config["domainname"] = "example.test";

        var seen = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            return new
            {
                Port = Probe.Read("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(),
                Shm = Probe.Read("/proc/sys/kernel/shmmni").Trim(),
                Host = Probe.Read("/proc/sys/kernel/hostname").Trim(),
                Domain = Probe.Read("/proc/sys/kernel/domainname").Trim(),
            };
        }, MountNamespaceThread.CLONE_NEWUTS | MountNamespaceThread.CLONE_NEWNET | MountNamespaceThread.CLONE_NEWIPC);

        Assert.Equal("555", seen.Port);
        Assert.Equal("1234", seen.Shm);
        Assert.Equal("hutch-test", seen.Host);
        Assert.Equal("example.test", seen.Domain);
        Assert.NotEqual("hutch-test", Environment.MachineName);
        Assert.NotEqual("555", File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
    }

    [RootFact]
    public void A_cgroup_mount_shows_the_hierarchies_read_only()
    {
        using var bundle = new TestBundle();
        var mounts = RuncMounts();
        mounts.Add(M("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));
        var config = Config(mounts);

        var (info, write) = MountNamespaceThread.Run(() =>
        {
            using var builder = Build(bundle, config);
            builder.FinishAfterPivot();
            return (MountInfo.Read(), Probe.TryWrite("/sys/fs/cgroup/new"));
        });

        var cgroup = At(info, "/sys/fs/cgroup");
        Assert.True(cgroup.HasOption("ro"));
        Assert.Equal(-Errno.EROFS, write);
        var hierarchies = info.Where(e => e.MountPoint.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal)).ToList();
        if (cgroup.FsType == "tmpfs")
        {
            // cgroup v1 host: one read-only hierarchy per host hierarchy.
            Assert.NotEmpty(hierarchies);
            Assert.All(hierarchies, h => Assert.True(h.HasOption("ro"), h.MountPoint));
            Assert.Contains(hierarchies, h => h.FsType == "cgroup");
        }
        else
        {
            Assert.Equal("cgroup2", cgroup.FsType);
        }
    }

    [RootFact]
    public void An_id_mapped_mount_without_create_s_parent_fails_naming_the_mount()
    {
        using var bundle = new TestBundle();
        var config = Config([M("/mnt", "bind", bundle.HostDir("data"), "rbind", "idmap")]);

        var error = MountNamespaceThread.Run(() =>
        {
            using var builder = Open(bundle, config);
            return Record.Exception(builder.Prepare);
        });

        var message = Assert.IsType<MountException>(error).Message;
        Assert.Contains("mounts[0] is id-mapped", message, StringComparison.Ordinal);
        Assert.Contains("only `hutch create` can set up", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The builder's side of an id-mapped bind (the init's, without the parent): the source's
    /// O_PATH fd goes to RootfsOptions.IdMappedTree with the mount's index, and the detached
    /// id-mapped clone that comes back is attached with the mount's own attributes. Here the test
    /// thread (host root, in the source's mount namespace) makes the clone itself, mapping
    /// on-disk 0 to 4242 and 7 to 4343: through the mount, a file the host made as root shows 4242.
    /// </summary>
    [RootFact]
    public void An_id_mapped_bind_is_attached_read_only_with_the_mapping_the_callback_set()
    {
        using var bundle = new TestBundle();
        var data = bundle.HostDir("data");
        File.WriteAllText(Path.Combine(data, "hello"), "hi");
        var mount = M("/mnt/data", "bind", data, "bind", "idmap", "ro");
        var config = Config([M("/proc", "proc", "proc"), mount]);
        var asked = new List<int>();

        var (node, entry) = MountNamespaceThread.Run(() =>
        {
            File.WriteAllText(Path.Combine(bundle.Dir, "config.json"), config.ToJsonString());
            using var builder = RootfsBuilder.ForBundle(bundle.Dir, new RootfsOptions
            {
                IdMappedTree = (index, source) =>
                {
                    asked.Add(index);
                    using var userNamespace = Hutch.Linux.Namespaces.MappedUserNamespace.Create(
                        [new(0, 4242, 1), new(7, 4343, 1)], [new(0, 4242, 1)]);
                    var spec = new Hutch.Spec.Mount { Destination = "/mnt/data", Source = data, Options = ["bind", "idmap", "ro"] };
                    return IdMappedTree.Create(spec, index, source, userNamespace);
                },
            });
            builder.Prepare();
            var inside = Path.Combine(bundle.Rootfs, "mnt", "data");
            return (Probe.Stat(Path.Combine(inside, "hello")), MountInfo.Read().Last(e => e.MountPoint == inside));
        });

        Assert.Equal([1], asked);
        Assert.NotNull(node);
        Assert.Equal(4242u, node.Uid);
        Assert.Equal(4242u, node.Gid);
        Assert.True(entry.HasOption("idmapped"), string.Join(",", entry.MountOptions));
        Assert.True(entry.HasOption("ro"), string.Join(",", entry.MountOptions));
        // Unchanged on the host.
        Assert.Equal(0u, Probe.Stat(Path.Combine(data, "hello"))!.Uid);
    }

    /// <summary>A filesystem that cannot be id-mapped (procfs, measured on 6.18): the clone is refused and nothing is attached.</summary>
    [RootFact]
    public void A_proc_source_cannot_be_id_mapped_and_nothing_is_attached()
    {
        using var bundle = new TestBundle();
        var config = Config([M("/mnt/sys", "bind", "/proc/sys", "bind", "idmap")]);

        var (error, attached) = MountNamespaceThread.Run(() =>
        {
            File.WriteAllText(Path.Combine(bundle.Dir, "config.json"), config.ToJsonString());
            using var builder = RootfsBuilder.ForBundle(bundle.Dir, new RootfsOptions
            {
                IdMappedTree = (index, source) =>
                {
                    using var userNamespace = Hutch.Linux.Namespaces.MappedUserNamespace.Create([new(0, 4242, 1)], [new(0, 4242, 1)]);
                    var spec = new Hutch.Spec.Mount { Destination = "/mnt/sys", Source = "/proc/sys", Options = ["bind", "idmap"] };
                    return IdMappedTree.Create(spec, index, source, userNamespace);
                },
            });
            var failure = Record.Exception(builder.Prepare);
            var target = Path.Combine(bundle.Rootfs, "mnt", "sys");
            return (failure, MountInfo.Read().Any(e => e.MountPoint == target));
        });

        var message = Assert.IsType<MountException>(error).Message;
        Assert.Contains("mounts[0] (/proc/sys on /mnt/sys)", message, StringComparison.Ordinal);
        Assert.Contains("cannot be id-mapped", message, StringComparison.Ordinal);
        Assert.False(attached);
    }
}
