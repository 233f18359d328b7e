using Hutch.Linux;
using Hutch.Runtime.NetDevices;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>
/// What must fail, with a clear message, leaving the runtime side exactly as it was (names,
/// MACs, MTUs, addresses with their flags, up/down) and the container side empty.
/// </summary>
public class NetDeviceRefusalTests
{
    /// <summary>A host side with two configured devices: hostA up with three addresses, hostB down with one.</summary>
    private static void Populate(TestNetns host)
    {
        host.AddVeth("hostA", "hostAp");
        host.AddVeth("hostB", "hostBp");
        host.Ip("link", "set", "hostA", "mtu", "1450");
        host.Ip("link", "set", "hostA", "up");
        host.Ip("addr", "add", "198.18.20.1/24", "brd", "198.18.20.99", "dev", "hostA");
        host.Ip("addr", "add", "198.18.20.2/24", "dev", "hostA", "label", "hostA:sec");
        host.Ip("addr", "add", "2001:db8:20::1/64", "dev", "hostA", "nodad", "noprefixroute");
        host.Ip("addr", "add", "198.18.21.1", "peer", "198.18.21.2/32", "dev", "hostB");
    }

    [RootFact]
    public void Missing_device_is_refused_and_nothing_changes()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", "ctr0"), ("nosuch0", "ctr1")), null, e =>
        {
            Assert.StartsWith("linux.netDevices[\"nosuch0\"]: device nosuch0 does not exist in the runtime's network namespace", e.Message, StringComparison.Ordinal);
            Assert.Contains("create it before the container", e.Message, StringComparison.Ordinal);
        });
    }

    [RootFact]
    public void Name_taken_in_the_container_namespace_is_refused_and_nothing_changes()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", "ctr0"), ("hostB", "eth0")), ctr => ctr.Ip("link", "add", "eth0", "type", "ifb"), e =>
        {
            Assert.StartsWith("linux.netDevices[\"hostB\"]: a device named `eth0` (index ", e.Message, StringComparison.Ordinal);
            Assert.Contains("already exists in the container's network namespace: choose another \"name\"", e.Message, StringComparison.Ordinal);
        });
    }

    [RootFact]
    public void Host_name_taken_in_the_container_namespace_is_refused_when_no_name_is_given()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", null)), ctr => ctr.Ip("link", "add", "hostA", "type", "ifb"), e =>
            Assert.Contains("a device named `hostA`", e.Message, StringComparison.Ordinal));
    }

    [RootFact]
    public void Two_devices_to_one_name_are_refused_and_nothing_changes()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", "same0"), ("hostB", "same0")), null, e =>
            Assert.Equal("linux.netDevices[\"hostB\"]: the device would be named `same0` inside the container, like linux.netDevices[\"hostA\"]: " +
                         "give each device a distinct \"name\" (or a template such as \"eth%d\")", e.Message));
    }

    [RootFact]
    public void A_name_of_16_bytes_is_refused_also_when_multibyte()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", "ééééé_abcde")), null, e =>
            Assert.Equal("linux.netDevices[\"hostA\"]: the name inside \"ééééé_abcde\" is 16 bytes long (11 characters); the kernel allows at most 15 (IFNAMSIZ-1)",
                e.Message));
    }

    [RootFact]
    public void Loopback_is_refused()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("lo", "ctr_lo")), null, e =>
            Assert.Contains("device lo is a loopback device", e.Message, StringComparison.Ordinal));
    }

    [RootFact]
    public void Every_problem_is_reported_at_once()
    {
        AssertRefusedUnchanged(NetDeviceMap.Of(("hostA", "eth0"), ("nosuch0", "x0")), ctr => ctr.Ip("link", "add", "eth0", "type", "ifb"), e =>
        {
            Assert.Equal(2, e.Failures.Count);
            Assert.StartsWith("linux.netDevices: 2 problems, nothing was moved:\n", e.Message, StringComparison.Ordinal);
            Assert.Contains("linux.netDevices[\"hostA\"]: a device named `eth0`", e.Message, StringComparison.Ordinal);
            Assert.Contains("linux.netDevices[\"nosuch0\"]: device nosuch0 does not exist", e.Message, StringComparison.Ordinal);
        });
    }

    [RootFact]
    public void The_runtime_namespace_as_target_is_refused()
    {
        using var host = TestNetns.Create();
        Populate(host);
        var before = host.Snapshot();
        var e = Assert.Throws<NetDeviceException>(() => NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "ctr0")), host.Fd, host.Fd));
        Assert.Contains("the container's network namespace is the runtime's own", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, host.Snapshot());
    }

    [RootFact]
    public void A_bridge_the_kernel_will_not_move_rolls_back_the_device_moved_before_it()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        Populate(host);
        host.Ip("link", "add", "zbridge", "type", "bridge");
        host.Ip("addr", "add", "198.18.22.1/24", "dev", "zbridge");
        var before = host.Snapshot();
        var indexes = new[] { "hostA", "hostB", "zbridge" }.ToDictionary(d => d, d => NetDeviceMoveTests.IndexOf(host, d));

        // hostA and hostB move first (fixed names, in order), then the bridge fails.
        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "ctr0"), ("hostB", "ctr1"), ("zbridge", "ctr2")), ctr.Fd, host.Fd);
        var e = Assert.Throws<NetDeviceException>(() => mover.MoveAll());

        Assert.Contains(e.Errno, new[] { Errno.EINVAL, Errno.EOPNOTSUPP });
        Assert.StartsWith("linux.netDevices[\"zbridge\"]: move device zbridge (index ", e.Message, StringComparison.Ordinal);
        Assert.Contains("the kernel will not move this device to another network namespace", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, host.Snapshot());
        Assert.All(indexes, d => Assert.Equal(d.Value, NetDeviceMoveTests.IndexOf(host, d.Key)));
        Assert.Equal(["lo"], ctr.LinkNames());
        Assert.Empty(mover.Moved);
        mover.Rollback(); // nothing left to do
        Assert.Equal(before, host.Snapshot());
    }

    private static void AssertRefusedUnchanged(Dictionary<string, Hutch.Spec.LinuxNetDevice> devices, Action<TestNetns>? prepareContainer,
        Action<NetDeviceException> check)
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        Populate(host);
        prepareContainer?.Invoke(ctr);
        var hostBefore = host.Snapshot();
        var ctrBefore = ctr.Snapshot();

        var e = Assert.Throws<NetDeviceException>(() => NetDeviceMover.Prepare(devices, ctr.Fd, host.Fd));

        check(e);
        Assert.Equal(hostBefore, host.Snapshot());
        Assert.Equal(ctrBefore, ctr.Snapshot());
    }
}
