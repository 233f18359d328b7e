using Hutch.Runtime.NetDevices;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>Rollback after a successful MoveAll (what create does when a later step fails).</summary>
public class NetDeviceRollbackTests
{
    [RootFact]
    public void Rollback_restores_names_indexes_addresses_and_up_down_state()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("upA", "upAp", peerUp: true);
        host.AddVeth("downB", "downBp");
        host.Ip("link", "add", "ifbC", "type", "ifb");
        host.Ip("link", "set", "upA", "mtu", "1300");
        host.Ip("link", "set", "upA", "up");
        host.Ip("link", "set", "ifbC", "up");
        host.Ip("addr", "add", "198.18.30.1/24", "brd", "198.18.30.200", "dev", "upA");
        host.Ip("addr", "add", "198.18.30.2/24", "dev", "upA", "label", "upA:two");
        host.Ip("addr", "add", "198.18.31.1", "peer", "198.18.31.2/32", "dev", "upA");
        host.Ip("addr", "add", "198.18.32.1/24", "dev", "upA", "valid_lft", "3000", "preferred_lft", "3000");
        host.Ip("addr", "add", "2001:db8:30::1/64", "dev", "upA", "nodad", "noprefixroute");
        host.Ip("addr", "add", "198.18.33.1/24", "dev", "downB", "noprefixroute");
        host.Ip("addr", "add", "2001:db8:33::1/64", "dev", "downB", "nodad");
        host.Ip("addr", "add", "2001:db8:34::1/64", "dev", "ifbC", "nodad");
        var before = host.Snapshot();
        var indexes = new[] { "upA", "downB", "ifbC" }.ToDictionary(d => d, d => NetDeviceMoveTests.IndexOf(host, d));

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("upA", "ctr_a"), ("downB", "eth%d"), ("ifbC", "ctr_c")), ctr.Fd, host.Fd);
        var moved = mover.MoveAll();
        Assert.Equal(3, moved.Count);
        Assert.All(["upA", "downB", "ifbC"], d => Assert.False(host.Has(d)));
        Assert.Contains(" UP [", ctr.Snapshot("eth0"), StringComparison.Ordinal); // moved devices are up, whatever they were

        mover.Rollback();

        Assert.Equal(before, host.Snapshot());
        Assert.All(indexes, d => Assert.Equal(d.Value, NetDeviceMoveTests.IndexOf(host, d.Key)));
        Assert.Contains("downB mac", host.Snapshot("downB"), StringComparison.Ordinal);
        Assert.Contains(" DOWN [", host.Snapshot("downB"), StringComparison.Ordinal);
        Assert.Equal(["lo"], ctr.LinkNames());
        Assert.Empty(mover.Moved);

        mover.Rollback(); // idempotent
        Assert.Equal(before, host.Snapshot());
    }

    [RootFact]
    public void Rollback_with_the_original_name_taken_meanwhile_reports_it_and_restores_the_others()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("devA", "devAp");
        host.AddVeth("devB", "devBp");
        host.Ip("addr", "add", "198.18.40.1/24", "dev", "devB");
        var devB = host.Snapshot("devB");

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("devA", "ctr_a"), ("devB", "ctr_b")), ctr.Fd, host.Fd);
        mover.MoveAll();
        host.Ip("link", "add", "devA", "type", "ifb"); // someone takes the name meanwhile

        var e = Assert.Throws<NetDeviceException>(mover.Rollback);

        Assert.StartsWith("linux.netDevices[\"devA\"]: cannot move device devA back: a device named `devA` (index ", e.Message, StringComparison.Ordinal);
        Assert.Contains("it stays in the container's network namespace as `ctr_a`", e.Message, StringComparison.Ordinal);
        Assert.Equal(devB, host.Snapshot("devB"));
        Assert.Equal(["ctr_a", "lo"], ctr.LinkNames().Order(StringComparer.Ordinal));
        Assert.Equal("ctr_a", Assert.Single(mover.Moved).ContainerName);

        host.Ip("link", "del", "devA");
        mover.Rollback(); // the retry brings it back
        Assert.True(host.Has("devA"));
        Assert.Equal(["lo"], ctr.LinkNames());
    }
}
