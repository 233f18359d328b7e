using Hutch.Linux.Mounts;
using Hutch.Runtime.InitPlans;
using Hutch.Spec;

namespace Hutch.Runtime.Tests.InitPlans;

/// <summary>The builder's decisions one by one, on small configs: each is what today's init does
/// (Rootfs/, Init/InitProcess.cs), and each refusal is the init's error.</summary>
public class InitPlanBuilderTests
{
    private static ContainerConfig Config(string json) => ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(json));

    private const string MountAndPid = """{"namespaces": [{"type": "mount"}, {"type": "pid"}]}""";

    /// <summary>A config with a process, the given linux section and any extra members.</summary>
    private static string Minimal(string linux = MountAndPid, string extra = "") =>
        """{"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "process": {"args": ["/bin/true"], "cwd": "/", "user": {"uid": 0, "gid": 0}}, "linux": """
        + linux + (extra.Length > 0 ? ", " + extra : "") + "}";

    private static InitPlan Build(string json, bool noPivot = false) => InitPlanBuilder.Build(new InitPlanInput
    {
        Config = Config(json),
        Bundle = "/b",
        Id = "c1",
        NoPivot = noPivot,
        LastCapability = 40,
    });

    private static IEnumerable<string> Kinds(InitPlan plan) => plan.Ops.Select(op => InitPlanText.ToKebab(op.Kind.ToString()));

    [Fact]
    public void A_minimal_config_in_the_init_order()
    {
        var plan = Build(Minimal());

        Assert.Equal(["namespaces", "session-keyring", "root-propagation", "rootfs-parent-propagation", "bind-rootfs",
            "device-node", "device-node", "device-node", "device-node", "device-node", "device-node",
            "symlink", "symlink", "symlink", "symlink", "symlink", "hook-point", "pivot-root", "process", "wait-for-start"], Kinds(plan));
        Assert.Equal("/b/rootfs", plan.Ops.Single(op => op.Kind == InitOpKind.BindRootfs)["rootfs"]);
        Assert.Equal((ulong)(MountFlags.Slave | MountFlags.Recursive), plan.Ops.Single(op => op.Kind == InitOpKind.RootPropagation)["flags"]);
        Assert.Equal("_ses.c1", plan.Ops.Single(op => op.Kind == InitOpKind.SessionKeyring)["name"]);
    }

    [Fact]
    public void No_pivot_moves_the_root_and_chroots()
    {
        var plan = Build(Minimal(), noPivot: true);

        Assert.Contains(plan.Ops, op => op.Kind == InitOpKind.MoveRootAndChroot);
        Assert.DoesNotContain(plan.Ops, op => op.Kind == InitOpKind.PivotRoot);
    }

    [Fact]
    public void Without_a_mount_namespace_nothing_is_mounted_and_the_init_chroots()
    {
        var plan = Build("""{"ociVersion": "1.3.0", "root": {"path": "/r"}, "hostname": "h", "linux": {"namespaces": [{"type": "uts"}]}}""");

        Assert.Equal(["namespaces", "session-keyring", "hook-point", "chroot", "hostname", "wait-for-start"], Kinds(plan));
        Assert.Equal("/r", plan.Ops.Single(op => op.Kind == InitOpKind.Chroot)["rootfs"]);
    }

    [Fact]
    public void A_read_only_tmpfs_is_mounted_rw_and_made_ro_after_the_masked_paths()
    {
        var plan = Build(Minimal("""{"namespaces": [{"type": "mount"}], "maskedPaths": ["/proc/kcore"]}""",
            """ "mounts": [{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "ro", "mode=755"]}]"""));

        var mount = plan.Ops.Single(op => op.Kind == InitOpKind.Mount);
        Assert.Equal((ulong)MountFlags.NoSuid, mount["flags"]);
        Assert.Equal(1u, mount["defer_readonly"]);
        Assert.Equal("mode=755", mount["data"]);
        var kinds = Kinds(plan).ToList();
        Assert.True(kinds.IndexOf("masked-path") < kinds.IndexOf("remount-readonly"));
        // /dev is a config mount: pts and shm are made, the links follow.
        Assert.Contains(plan.Ops, op => op.Kind == InitOpKind.MakeDirectory && (string)op["path"] == "/dev/pts");
    }

    [Fact]
    public void A_bind_source_is_relative_to_the_bundle_and_its_options_become_attributes()
    {
        var plan = Build(Minimal(extra: """ "mounts": [{"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro", "rprivate"]}]"""));

        var bind = plan.Ops.Single(op => op.Kind == InitOpKind.BindMount);
        Assert.Equal("/b/data", bind["source"]);
        Assert.Equal(1u, bind["recursive"]);
        Assert.Equal((ulong)MountAttr.ReadOnly, bind["attr_set"]);
        var propagation = plan.Ops.Single(op => op.Kind == InitOpKind.MountSetAttr);
        Assert.Equal((ulong)MountFlags.Private, propagation["propagation"]);
        Assert.Equal(1u, propagation["recursive"]);
    }

    [Fact]
    public void An_id_mapped_bind_names_its_mount_for_the_parent_s_clone()
    {
        var plan = Build(Minimal(extra: """ "mounts": [{"destination": "/a", "type": "bind", "source": "/a", "options": ["bind"]}, {"destination": "/data", "type": "bind", "source": "/data", "options": ["rbind", "idmap"]}]"""));

        var binds = plan.Ops.Where(op => op.Kind == InitOpKind.BindMount).ToList();
        Assert.Equal(uint.MaxValue, binds[0]["id_mapped_index"]);
        Assert.Equal(1u, binds[1]["id_mapped_index"]);
    }

    [Fact]
    public void In_a_user_namespace_device_nodes_are_bound_from_the_host()
    {
        var plan = Build("""
            {"ociVersion": "1.3.0", "root": {"path": "rootfs"},
             "linux": {"namespaces": [{"type": "mount"}, {"type": "user"}],
                       "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}, {"path": "/dev/p", "type": "p", "major": 0, "minor": 0}]}}
            """);

        Assert.All(plan.Ops.Where(op => op.Kind == InitOpKind.DeviceNode && (string)op["path"] != "/dev/p"), op => Assert.Equal(1u, op["bind_from_host"]));
        Assert.Equal(0u, plan.Ops.Single(op => op.Kind == InitOpKind.DeviceNode && (string)op["path"] == "/dev/p")["bind_from_host"]);
    }

    [Fact]
    public void A_configured_default_device_replaces_the_default_node()
    {
        var plan = Build(Minimal("""{"namespaces": [{"type": "mount"}], "devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 5}]}"""));

        var nulls = plan.Ops.Where(op => op.Kind == InitOpKind.DeviceNode && (string)op["path"] == "/dev/null").ToList();
        Assert.Single(nulls);
        Assert.Equal(5u, nulls[0]["uid"]);
    }

    [Fact]
    public void Sysctls_open_a_private_proc_before_the_pivot_and_are_written_after()
    {
        var plan = Build(Minimal("""{"namespaces": [{"type": "mount"}, {"type": "ipc"}], "sysctl": {"kernel.msgmax": "8192"}}"""));
        var kinds = Kinds(plan).ToList();

        Assert.True(kinds.IndexOf("open-private-proc") < kinds.IndexOf("pivot-root"));
        Assert.True(kinds.IndexOf("pivot-root") < kinds.IndexOf("sysctl"));
    }

    [Theory]
    [InlineData("""[{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]""", "mounts[0]: id-mapped mounts (idmap, ridmap, uidMappings, gidMappings) apply to bind mounts only")]
    [InlineData("""[{"destination": "/x", "type": "proc", "source": "proc", "options": ["tmpcopyup"]}]""", "tmpcopyup applies to tmpfs mounts only")]
    [InlineData("""[{"destination": "/x", "source": "/x"}]""", "without a filesystem type")]
    [InlineData("""[{"destination": "/x", "type": "bind"}]""", "needs a source")]
    public void A_mount_the_init_refuses_is_refused_with_its_message(string mounts, string message)
    {
        var e = Assert.Throws<MountException>(() => Build(Minimal(extra: "\"mounts\": " + mounts)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_rootfs_propagation_is_refused()
    {
        var e = Assert.Throws<MountException>(() => Build(Minimal("""{"namespaces": [{"type": "mount"}], "rootfsPropagation": "sideways"}""")));
        Assert.Contains("linux.rootfsPropagation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shared_rootfs_propagation_is_set_again_after_the_pivot()
    {
        var plan = Build(Minimal("""{"namespaces": [{"type": "mount"}], "rootfsPropagation": "rshared"}"""));

        Assert.Equal((ulong)(MountFlags.Shared | MountFlags.Recursive), plan.Ops.Single(op => op.Kind == InitOpKind.RootfsPropagation)["flags"]);
        Assert.Equal((ulong)MountFlags.Private, plan.Ops.Single(op => op.Kind == InitOpKind.RootfsParentPropagation)["flags"]);
    }
}
