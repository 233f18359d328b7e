using Hutch.Linux.Mounts;

namespace Hutch.Linux.Tests.Mounts;

public class MountOptionsTests
{
    [Theory]
    [InlineData("ro", MountFlags.ReadOnly, MountFlags.None)]
    [InlineData("rw", MountFlags.None, MountFlags.ReadOnly)]
    [InlineData("nosuid", MountFlags.NoSuid, MountFlags.None)]
    [InlineData("suid", MountFlags.None, MountFlags.NoSuid)]
    [InlineData("nodev", MountFlags.NoDev, MountFlags.None)]
    [InlineData("dev", MountFlags.None, MountFlags.NoDev)]
    [InlineData("noexec", MountFlags.NoExec, MountFlags.None)]
    [InlineData("exec", MountFlags.None, MountFlags.NoExec)]
    [InlineData("sync", MountFlags.Synchronous, MountFlags.None)]
    [InlineData("async", MountFlags.None, MountFlags.Synchronous)]
    [InlineData("dirsync", MountFlags.DirSync, MountFlags.None)]
    [InlineData("remount", MountFlags.Remount, MountFlags.None)]
    [InlineData("mand", MountFlags.MandLock, MountFlags.None)]
    [InlineData("nomand", MountFlags.None, MountFlags.MandLock)]
    [InlineData("noatime", MountFlags.NoAtime, MountFlags.None)]
    [InlineData("atime", MountFlags.None, MountFlags.NoAtime)]
    [InlineData("nodiratime", MountFlags.NoDirAtime, MountFlags.None)]
    [InlineData("diratime", MountFlags.None, MountFlags.NoDirAtime)]
    [InlineData("relatime", MountFlags.RelAtime, MountFlags.None)]
    [InlineData("norelatime", MountFlags.None, MountFlags.RelAtime)]
    [InlineData("strictatime", MountFlags.StrictAtime, MountFlags.None)]
    [InlineData("nostrictatime", MountFlags.None, MountFlags.StrictAtime)]
    [InlineData("nosymfollow", MountFlags.NoSymFollow, MountFlags.None)]
    [InlineData("symfollow", MountFlags.None, MountFlags.NoSymFollow)]
    [InlineData("bind", MountFlags.Bind, MountFlags.None)]
    [InlineData("rbind", MountFlags.Bind | MountFlags.Recursive, MountFlags.None)]
    [InlineData("defaults", MountFlags.None, MountFlags.None)]
    public void Flag_options_set_or_clear_their_flag(string option, object set, object clear)
    {
        var parsed = MountOptions.Parse([option]);

        Assert.Equal((MountFlags)set, parsed.Flags);
        Assert.Equal((MountFlags)clear, parsed.ClearFlags);
        Assert.Equal("", parsed.Data);
        Assert.Empty(parsed.PropagationSteps);
        Assert.False(parsed.HasRecursiveAttributes);
    }

    [Theory]
    [InlineData("private", MountFlags.Private)]
    [InlineData("rprivate", MountFlags.Private | MountFlags.Recursive)]
    [InlineData("shared", MountFlags.Shared)]
    [InlineData("rshared", MountFlags.Shared | MountFlags.Recursive)]
    [InlineData("slave", MountFlags.Slave)]
    [InlineData("rslave", MountFlags.Slave | MountFlags.Recursive)]
    [InlineData("unbindable", MountFlags.Unbindable)]
    [InlineData("runbindable", MountFlags.Unbindable | MountFlags.Recursive)]
    public void Propagation_options_are_kept_apart_from_the_flags(string option, object propagation)
    {
        var parsed = MountOptions.Parse([option]);

        Assert.Equal((MountFlags)propagation, parsed.Propagation);
        Assert.Equal(MountFlags.None, parsed.Flags);
        Assert.False(parsed.Bind);
    }

    [Theory]
    [InlineData("rro", MountAttr.ReadOnly, MountAttr.None)]
    [InlineData("rrw", MountAttr.None, MountAttr.ReadOnly)]
    [InlineData("rnosuid", MountAttr.NoSuid, MountAttr.None)]
    [InlineData("rsuid", MountAttr.None, MountAttr.NoSuid)]
    [InlineData("rnodev", MountAttr.NoDev, MountAttr.None)]
    [InlineData("rdev", MountAttr.None, MountAttr.NoDev)]
    [InlineData("rnoexec", MountAttr.NoExec, MountAttr.None)]
    [InlineData("rexec", MountAttr.None, MountAttr.NoExec)]
    [InlineData("rnodiratime", MountAttr.NoDirAtime, MountAttr.None)]
    [InlineData("rdiratime", MountAttr.None, MountAttr.NoDirAtime)]
    [InlineData("rnosymfollow", MountAttr.NoSymFollow, MountAttr.None)]
    [InlineData("rsymfollow", MountAttr.None, MountAttr.NoSymFollow)]
    // The atime mode is an enum: each option clears the whole mask and sets one mode.
    [InlineData("rrelatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("rnorelatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("rnoatime", MountAttr.NoAtime, MountAttr.AtimeMask)]
    [InlineData("ratime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("rstrictatime", MountAttr.StrictAtime, MountAttr.AtimeMask)]
    [InlineData("rnostrictatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    public void Recursive_attributes_go_to_mount_setattr(string option, object set, object clear)
    {
        var parsed = MountOptions.Parse([option]);

        Assert.Equal((MountAttr)set, parsed.RecursiveSet);
        Assert.Equal((MountAttr)clear, parsed.RecursiveClear);
        Assert.True(parsed.HasRecursiveAttributes);
        Assert.Equal(MountFlags.None, parsed.Flags);
        Assert.Equal("", parsed.Data);
    }

    [Theory]
    [InlineData("idmap")]
    [InlineData("ridmap")]
    public void Idmap_options_are_recognised(string option)
    {
        var parsed = MountOptions.Parse([option]);

        Assert.True(parsed.IdMap);
        Assert.Equal("", parsed.Data);
    }

    [Fact]
    public void Unknown_options_become_the_data_string_in_order()
    {
        var parsed = MountOptions.Parse(["nosuid", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", "noexec"]);

        Assert.Equal(MountFlags.NoSuid | MountFlags.NoExec, parsed.Flags);
        Assert.Equal("newinstance,ptmxmode=0666,mode=0620,gid=5", parsed.Data);
    }

    [Fact]
    public void A_later_option_wins_over_an_earlier_one()
    {
        var parsed = MountOptions.Parse(["ro", "rw", "nodev", "dev", "nodev", "rro", "rrw"]);

        Assert.Equal(MountFlags.NoDev, parsed.Flags);
        Assert.Equal(MountFlags.ReadOnly, parsed.ClearFlags);
        Assert.Equal(MountAttr.None, parsed.RecursiveSet);
        Assert.Equal(MountAttr.ReadOnly, parsed.RecursiveClear);
    }

    [Fact]
    public void A_typical_bind_mount_from_podman()
    {
        var parsed = MountOptions.Parse(["rbind", "ro", "nosuid", "nodev", "rprivate", "rro"]);

        Assert.True(parsed.Bind);
        Assert.True(parsed.Recursive);
        Assert.Equal(MountFlags.Bind | MountFlags.Recursive | MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev, parsed.Flags);
        Assert.Equal(MountFlags.Private | MountFlags.Recursive, parsed.Propagation);
        Assert.Equal(MountAttr.ReadOnly, parsed.RecursiveSet);
    }

    [Fact]
    public void Several_propagation_options_are_kept_in_order()
    {
        var parsed = MountOptions.Parse(["rprivate", "shared"]);

        Assert.Equal([MountFlags.Private | MountFlags.Recursive, MountFlags.Shared], parsed.PropagationSteps);
        Assert.Equal(MountFlags.Shared, parsed.Propagation);
    }

    [Fact]
    public void No_options_parse_to_nothing()
    {
        var parsed = MountOptions.Parse(null);

        Assert.Equal(MountFlags.None, parsed.Flags);
        Assert.Equal("", parsed.Data);
        Assert.False(parsed.Bind);
    }

    [Theory]
    [InlineData(new[] { "ro", "nosuid" }, MountAttr.ReadOnly | MountAttr.NoSuid, MountAttr.None)]
    [InlineData(new[] { "rw", "suid" }, MountAttr.None, MountAttr.ReadOnly | MountAttr.NoSuid)]
    [InlineData(new[] { "noatime" }, MountAttr.NoAtime, MountAttr.AtimeMask)]
    [InlineData(new[] { "strictatime" }, MountAttr.StrictAtime, MountAttr.AtimeMask)]
    [InlineData(new[] { "relatime" }, MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData(new[] { "nodev", "noexec", "nodiratime", "nosymfollow" },
        MountAttr.NoDev | MountAttr.NoExec | MountAttr.NoDirAtime | MountAttr.NoSymFollow, MountAttr.None)]
    public void Per_mount_flags_map_to_mount_attributes(string[] options, object set, object clear)
    {
        var parsed = MountOptions.Parse(options);

        var (attrSet, attrClear) = MountOptions.ToMountAttr(parsed.Flags, parsed.ClearFlags);

        Assert.Equal((MountAttr)set, attrSet);
        Assert.Equal((MountAttr)clear, attrClear);
    }

    [Theory]
    [InlineData(new[] { "rw", "tmpcopyup", "nosuid" }, MountExtensions.TmpCopyUp)]
    [InlineData(new[] { "tmpcopyup", "notmpcopyup" }, MountExtensions.None)]
    [InlineData(new[] { "notmpcopyup", "tmpcopyup" }, MountExtensions.TmpCopyUp)]
    [InlineData(new[] { "rbind", "copy-symlink" }, MountExtensions.CopySymlink)]
    [InlineData(new[] { "bind", "src-nofollow", "dest-nofollow" }, MountExtensions.SourceNoFollow | MountExtensions.DestinationNoFollow)]
    public void Extensions_are_the_runtimes_and_never_reach_the_data_string(string[] options, object expected)
    {
        var parsed = MountOptions.Parse(options);

        Assert.Equal((MountExtensions)expected, parsed.Extensions);
        Assert.Equal("", parsed.Data);
    }

    [Theory]
    [InlineData("idmap", false)]
    [InlineData("ridmap", true)]
    [InlineData("idmap=uids=0-1000-10;gids=0-1000-10", false)]
    [InlineData("ridmap=uids=0-1000-10;gids=0-1000-10", true)]
    public void Id_mapped_mount_options_never_reach_the_data_string(string option, bool recursive)
    {
        var parsed = MountOptions.Parse(["rbind", option]);

        Assert.True(parsed.IdMap);
        Assert.Equal(recursive, parsed.RecursiveIdMap);
        Assert.True(parsed.Recursive);
        Assert.Equal("", parsed.Data);
    }

    [Fact]
    public void Idmap_and_ridmap_are_advertised_but_not_crun_s_mapping_form()
    {
        Assert.Contains("idmap", MountOptions.KnownOptions);
        Assert.Contains("ridmap", MountOptions.KnownOptions);
        Assert.DoesNotContain(MountOptions.KnownOptions, o => o.Contains('=', StringComparison.Ordinal));
    }

    [Fact]
    public void The_last_of_idmap_and_ridmap_wins()
    {
        Assert.False(MountOptions.Parse(["ridmap", "idmap"]).RecursiveIdMap);
        Assert.True(MountOptions.Parse(["idmap", "ridmap"]).RecursiveIdMap);
    }

    [Fact]
    public void Known_options_list_the_extensions_that_work()
    {
        Assert.Superset(new HashSet<string> { "tmpcopyup", "notmpcopyup", "copy-symlink", "src-nofollow", "dest-nofollow", "rro", "rbind" },
            MountOptions.KnownOptions.ToHashSet());
    }

    [Fact]
    public void Fs_parameters_carry_the_source_superblock_flags_and_the_data_split_as_tmpfs_splits_it()
    {
        var parameters = FsParameters.For("shm", MountFlags.NoSuid | MountFlags.Synchronous | MountFlags.DirSync,
            "mode=1777,size=65536k,mpol=bind:0-3,5,noswap,uid=0");

        Assert.Equal(
        [
            ("source", "shm"), ("sync", null), ("dirsync", null), ("mode", "1777"), ("size", "65536k"),
            ("mpol", "bind:0-3,5"), ("noswap", null), ("uid", "0"),
        ], parameters);
        Assert.True(FsParameters.Sets("size=1m,mode=700", "mode"));
        Assert.False(FsParameters.Sets("size=1m,nomode", "mode"));
    }
}
