using Hutch.Linux.Cgroups;

namespace Hutch.Linux.Tests.Cgroups;

public sealed class CgroupPathsTests
{
    [Fact]
    public void ParseProcCgroup_maps_each_controller_the_named_hierarchies_and_the_unified_entry()
    {
        var own = CgroupPaths.ParseProcCgroup("""
            9:name=systemd:/
            4:memory:/process_api/ee94
            2:cpu,cpuacct:/a:b
            0::/init.scope

            """);

        Assert.Equal("/process_api/ee94", own["memory"]);
        Assert.Equal("/a:b", own["cpu"]);
        Assert.Equal("/a:b", own["cpuacct"]);
        Assert.Equal("/init.scope", own[CgroupLayout.UnifiedKey]);
        Assert.Equal("/", own["name=systemd"]);
    }

    [Theory]
    [InlineData("/sys/fs/cgroup/memory", "/", "/process_api/x", "/hutch/c1", "/sys/fs/cgroup/memory/hutch/c1")]
    [InlineData("/sys/fs/cgroup/memory", "/", "/process_api/x", "c1", "/sys/fs/cgroup/memory/process_api/x/c1")]
    [InlineData("/sys/fs/cgroup/pids", "/", "/", "c1", "/sys/fs/cgroup/pids/c1")]
    [InlineData("/sys/fs/cgroup/pids", "/", null, "a/b", "/sys/fs/cgroup/pids/a/b")]
    [InlineData("/sys/fs/cgroup", "/kube/pod", "/kube/pod/ctr", "c1", "/sys/fs/cgroup/ctr/c1")]
    [InlineData("/sys/fs/cgroup", "/kube/pod", "/kube/pod", "c1", "/sys/fs/cgroup/c1")]
    [InlineData("/sys/fs/cgroup", "/", "/", "/../../etc/./x//y/", "/sys/fs/cgroup/etc/x/y")]
    [InlineData("/sys/fs/cgroup", "/", "/own", "../../escape", "/sys/fs/cgroup/own/escape")]
    public void Resolve_absolute_from_the_mount_relative_from_the_own_cgroup(
        string mount, string mountRoot, string? own, string path, string expected)
    {
        Assert.Equal(expected, CgroupPaths.Resolve(mount, mountRoot, own, path));
    }

    [Theory]
    // runc's fs2 rule: a relative path goes under the parent of the runtime's own cgroup.
    [InlineData("/sys/fs/cgroup", "/", "/system.slice/podman.service", "c1", "/sys/fs/cgroup/system.slice/c1")]
    [InlineData("/sys/fs/cgroup", "/", "/user.slice/user-1000.slice/session-1.scope", "a/b", "/sys/fs/cgroup/user.slice/user-1000.slice/a/b")]
    [InlineData("/sys/fs/cgroup", "/", "/init.scope", "c1", "/sys/fs/cgroup/c1")]
    [InlineData("/sys/fs/cgroup", "/", "/", "c1", "/sys/fs/cgroup/c1")]
    [InlineData("/sys/fs/cgroup", "/kube/pod", "/kube/pod/ctr", "c1", "/sys/fs/cgroup/c1")]
    [InlineData("/sys/fs/cgroup", "/kube/pod", "/kube/pod", "c1", "/sys/fs/cgroup/c1")]
    [InlineData("/sys/fs/cgroup", "/", "/system.slice/x.service", "/abs/c1", "/sys/fs/cgroup/abs/c1")]
    public void Resolve_beside_own_relative_from_the_parent_of_the_own_cgroup(
        string mount, string mountRoot, string own, string path, string expected)
    {
        Assert.Equal(expected, CgroupPaths.Resolve(mount, mountRoot, own, path, besideOwn: true));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("a/..")]
    public void Resolve_path_naming_the_root_throws(string path)
    {
        var error = Assert.Throws<CgroupException>(() => CgroupPaths.Resolve("/sys/fs/cgroup", "/", "/", path));
        Assert.Contains("root of the hierarchy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/..")]
    [InlineData("/../../outside")]
    [InlineData("/a/../../b")]
    public void Resolve_relative_path_under_an_own_cgroup_outside_the_namespace_throws_instead_of_leaving_the_hierarchy(string own)
    {
        // Before: "/sys/fs/cgroup/memory/../../outside/c1", a directory outside the cgroup mount.
        var error = Assert.Throws<CgroupException>(() => CgroupPaths.Resolve("/sys/fs/cgroup/memory", "/", own, "c1"));

        Assert.Contains("outside its cgroup namespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_absolute_path_ignores_an_own_cgroup_outside_the_namespace()
    {
        Assert.Equal("/sys/fs/cgroup/memory/c1", CgroupPaths.Resolve("/sys/fs/cgroup/memory", "/", "/../x", "/c1"));
    }
}
