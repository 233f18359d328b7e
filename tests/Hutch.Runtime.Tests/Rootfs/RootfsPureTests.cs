using Hutch.Linux.Mounts;
using Hutch.Runtime.Rootfs;

namespace Hutch.Runtime.Tests.Rootfs;

public class RootfsPureTests
{
    [Theory]
    [InlineData(null, MountFlags.Slave | MountFlags.Recursive)]
    [InlineData("private", MountFlags.Private)]
    [InlineData("rprivate", MountFlags.Private | MountFlags.Recursive)]
    [InlineData("slave", MountFlags.Slave)]
    [InlineData("rslave", MountFlags.Slave | MountFlags.Recursive)]
    [InlineData("shared", MountFlags.Shared)]
    [InlineData("rshared", MountFlags.Shared | MountFlags.Recursive)]
    [InlineData("unbindable", MountFlags.Unbindable)]
    [InlineData("runbindable", MountFlags.Unbindable | MountFlags.Recursive)]
    public void RootfsPropagation_maps_each_value(string? value, object flags)
    {
        Assert.Equal((MountFlags)flags, RootfsPropagation.Parse(value));
    }

    [Fact]
    public void RootfsPropagation_rejects_an_unknown_value_and_lists_the_valid_ones()
    {
        var e = Assert.Throws<MountException>(() => RootfsPropagation.Parse("sideways"));

        Assert.Contains("rootfsPropagation", e.Message, StringComparison.Ordinal);
        Assert.Contains("rslave", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", true)]
    [InlineData("net/ipv4/conf/eth0.100/forwarding", true)]
    [InlineData("fs.mqueue.msg_max", true)]
    [InlineData("kernel.shmmax", true)]
    [InlineData("kernel.sem", true)]
    [InlineData("kernel.panic", false)]
    [InlineData("vm.swappiness", false)]
    [InlineData("kernel.shmmaxx", false)]
    public void Only_namespaced_sysctls_are_written(string key, bool allowed)
    {
        Assert.Equal(allowed, Sysctls.IsNamespaced(key));
    }
}
