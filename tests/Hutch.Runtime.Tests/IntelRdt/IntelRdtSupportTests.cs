using Hutch.Linux.Mounts;
using Hutch.Runtime.IntelRdt;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.IntelRdt;

/// <summary>linux.intelRdt is refused, naming the field that asks for it and why, with and without resctrl mounted.</summary>
public sealed class IntelRdtSupportTests
{
    private static readonly IReadOnlyList<MountInfoEntry> WithoutResctrl = MountInfo.Parse(CgroupMountinfoSamples.ThisVm);

    private static readonly IReadOnlyList<MountInfoEntry> WithResctrl = MountInfo.Parse(CgroupMountinfoSamples.ThisVm +
        "50 22 0:45 / /sys/fs/resctrl rw,relatime - resctrl resctrl rw\n");

    private static LinuxIntelRdt OnlyField(string path) => path switch
    {
        "linux.intelRdt.closID" => new LinuxIntelRdt { ClosID = "guaranteed" },
        "linux.intelRdt.l3CacheSchema" => new LinuxIntelRdt { L3CacheSchema = "L3:0=ff" },
        "linux.intelRdt.memBwSchema" => new LinuxIntelRdt { MemBwSchema = "MB:0=50" },
        "linux.intelRdt.schemata" => new LinuxIntelRdt { Schemata = ["L3:0=ff"] },
        "linux.intelRdt.enableMonitoring" => new LinuxIntelRdt { EnableMonitoring = true },
        _ => new LinuxIntelRdt(),
    };

    [Fact]
    public void No_intelRdt_passes() => IntelRdtSupport.Check(null, WithoutResctrl);

    [Theory]
    [InlineData("linux.intelRdt.closID")]
    [InlineData("linux.intelRdt.l3CacheSchema")]
    [InlineData("linux.intelRdt.memBwSchema")]
    [InlineData("linux.intelRdt.schemata")]
    [InlineData("linux.intelRdt.enableMonitoring")]
    [InlineData("linux.intelRdt")]
    public void Without_resctrl_each_field_is_refused_naming_its_path(string path)
    {
        var e = Assert.Throws<IntelRdtException>(() => IntelRdtSupport.Check(OnlyField(path), WithoutResctrl));

        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith(path + ": cannot be applied: this host has no resctrl filesystem mounted", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("remove linux.intelRdt from config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_resctrl_mounted_it_is_refused_as_not_managed_by_hutch()
    {
        var e = Assert.Throws<IntelRdtException>(() => IntelRdtSupport.Check(new LinuxIntelRdt { ClosID = "guaranteed" }, WithResctrl));

        Assert.Equal("linux.intelRdt.closID", e.JsonPath);
        Assert.Contains("hutch does not manage resctrl groups yet (resctrl is mounted at /sys/fs/resctrl)", e.Message, StringComparison.Ordinal);
    }
}
