using System.Reflection;

namespace Hutch.Spec.Tests.Model;

public class ModelShapeTests
{
    private static readonly Type[] ModelTypes =
    [
        typeof(ContainerConfig), typeof(Root), typeof(Mount), typeof(Process), typeof(Box), typeof(User),
        typeof(LinuxCapabilities), typeof(PosixRlimit), typeof(Scheduler), typeof(LinuxIOPriority),
        typeof(CpuAffinity), typeof(Hooks), typeof(Hook), typeof(Linux), typeof(LinuxNamespace),
        typeof(LinuxIdMapping), typeof(LinuxTimeOffset), typeof(LinuxDevice), typeof(LinuxPersonality),
        typeof(LinuxMemoryPolicy), typeof(LinuxNetDevice), typeof(LinuxIntelRdt), typeof(LinuxSeccomp),
        typeof(LinuxSyscall), typeof(LinuxSeccompArg), typeof(LinuxResources), typeof(LinuxDeviceCgroup),
        typeof(LinuxMemory), typeof(LinuxCpu), typeof(LinuxPids), typeof(LinuxBlockIO), typeof(LinuxWeightDevice),
        typeof(LinuxThrottleDevice), typeof(LinuxHugepageLimit), typeof(LinuxNetwork),
        typeof(LinuxInterfacePriority), typeof(LinuxRdma),
    ];

    [Fact]
    public void Model_types_are_internal_sealed_with_settable_properties()
    {
        foreach (Type type in ModelTypes)
        {
            Assert.True(type.IsSealed && type.IsNotPublic, $"{type.Name} should be internal sealed");
#pragma warning disable IL2075 // tests run under the JIT with full metadata
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
#pragma warning restore IL2075
            {
                Assert.True(property.CanWrite, $"{type.Name}.{property.Name} needs a setter");
            }
        }
    }

    [Fact]
    public void Required_members_start_non_null()
    {
        var config = new ContainerConfig();
        var process = new Process();

        Assert.Equal("", config.OciVersion);
        Assert.NotNull(process.User);
        Assert.Equal("", process.Cwd);
        Assert.Equal("", new Root().Path);
        Assert.Equal("", new Mount().Destination);
        Assert.Equal("", new LinuxNamespace().Type);
        Assert.Equal("", new Hook().Path);
        Assert.Equal("", new LinuxSeccomp().DefaultAction);
    }

    [Fact]
    public void Integer_widths_follow_the_spec()
    {
        Assert.Equal(typeof(uint), typeof(LinuxIdMapping).GetProperty(nameof(LinuxIdMapping.HostID))!.PropertyType);
        Assert.Equal(typeof(long?), typeof(LinuxPids).GetProperty(nameof(LinuxPids.Limit))!.PropertyType);
        Assert.Equal(typeof(ushort?), typeof(LinuxBlockIO).GetProperty(nameof(LinuxBlockIO.Weight))!.PropertyType);
        Assert.Equal(typeof(long?), typeof(LinuxMemory).GetProperty(nameof(LinuxMemory.Limit))!.PropertyType);
        Assert.Equal(typeof(ulong?), typeof(LinuxCpu).GetProperty(nameof(LinuxCpu.Shares))!.PropertyType);
        Assert.Equal(typeof(long), typeof(LinuxDevice).GetProperty(nameof(LinuxDevice.Major))!.PropertyType);
        Assert.Equal(typeof(ulong), typeof(PosixRlimit).GetProperty(nameof(PosixRlimit.Hard))!.PropertyType);
        Assert.Equal(typeof(int?), typeof(Process).GetProperty(nameof(Process.OomScoreAdj))!.PropertyType);
        Assert.Equal(typeof(long?), typeof(LinuxTimeOffset).GetProperty(nameof(LinuxTimeOffset.Secs))!.PropertyType);
        Assert.Equal(typeof(uint?), typeof(LinuxTimeOffset).GetProperty(nameof(LinuxTimeOffset.Nanosecs))!.PropertyType);
    }

    [Fact]
    public void Device_major_and_minor_zero_are_not_written_like_go_omitempty()
    {
        var config = new ContainerConfig
        {
            OciVersion = "1.3.0",
            Linux = new Linux { Devices = [new LinuxDevice { Path = "/dev/fifo", Type = "p" }] },
        };

        string json = ConfigJson.Serialize(config);

        Assert.DoesNotContain("major", json, StringComparison.Ordinal);
        Assert.DoesNotContain("minor", json, StringComparison.Ordinal);
    }
}
