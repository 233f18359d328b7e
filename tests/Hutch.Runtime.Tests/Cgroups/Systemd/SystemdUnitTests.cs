using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Cgroups.Systemd;

namespace Hutch.Runtime.Tests.Cgroups.Systemd;

public sealed class SystemdUnitTests
{
    [Theory]
    [InlineData(null, false, "system.slice", "runc-c1.scope", "/system.slice/runc-c1.scope")]
    [InlineData("", true, "user.slice", "runc-c1.scope", "/user.slice/runc-c1.scope")]
    [InlineData("system.slice:docker:abc", false, "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope")]
    [InlineData(":libpod:abc", false, "system.slice", "libpod-abc.scope", "/system.slice/libpod-abc.scope")]
    [InlineData("machine-pods.slice:crio:x", false, "machine-pods.slice", "crio-x.scope", "/machine.slice/machine-pods.slice/crio-x.scope")]
    [InlineData("system.slice::x", false, "system.slice", "-x.scope", "/system.slice/-x.scope")]
    [InlineData("-.slice:p:x", false, "-.slice", "p-x.scope", "/p-x.scope")]
    [InlineData("kubepods.slice::kubepods-burstable.slice", false, "kubepods.slice", "kubepods-burstable.slice", "/kubepods.slice/kubepods-burstable.slice")]
    public void Parses_cgroups_path_with_runcs_defaults(string? cgroupsPath, bool userSlice, string slice, string name, string cgroupPath)
    {
        var unit = SystemdUnit.Parse(cgroupsPath, "c1", userSlice);

        Assert.Equal(slice, unit.Slice);
        Assert.Equal(name, unit.Name);
        Assert.Equal(cgroupPath, unit.CgroupPath);
        Assert.Equal(name.EndsWith(".slice", StringComparison.Ordinal) ? "Slice" : "Scope", unit.Type);
    }

    [Theory]
    [InlineData("/a/b", "is not of the form \"slice:prefix:name\"")]
    [InlineData("a:b", "is not of the form")]
    [InlineData("system.slice:p:", "has an empty name")]
    [InlineData("system:p:x", "is not a slice name")]
    [InlineData("a--b.slice:p:x", "a dash may not start or end it")]
    [InlineData("system.slice:p:a/b", "cannot be part of a systemd unit name")]
    public void Refuses_bad_cgroups_paths_naming_the_field(string cgroupsPath, string expected)
    {
        var error = Assert.Throws<CgroupResourceException>(() => SystemdUnit.Parse(cgroupsPath, "c1", userSlice: false));

        Assert.Equal("linux.cgroupsPath", error.JsonPath);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("test-a-b.slice", "/test.slice/test-a.slice/test-a-b.slice")]
    [InlineData("system.slice", "/system.slice")]
    [InlineData("-.slice", "/")]
    public void Expands_slices_by_their_dashes(string slice, string path) =>
        Assert.Equal(path, SystemdUnit.ExpandSlice(slice));

    [Theory]
    [InlineData(".slice")]
    [InlineData("-test.slice")]
    [InlineData("test-.slice")]
    [InlineData("a/b.slice")]
    [InlineData("system")]
    public void Refuses_bad_slices(string slice) =>
        Assert.Throws<CgroupResourceException>(() => SystemdUnit.ExpandSlice(slice));
}
