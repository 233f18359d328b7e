using Hutch.Linux.Netlink;
using Hutch.Runtime.NetDevices;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>
/// MoveAll against the real kernel: each test makes a "runtime" namespace (the host side) and a
/// container namespace, creates real devices (veth, macvlan, ifb) on the host side, moves them,
/// and checks with ip(8) what arrived. Namespaces are deleted with everything in them.
/// </summary>
public class NetDeviceMoveTests
{
    [RootFact]
    public void Walkthrough_hostA_arrives_as_ctr_eth0_with_MAC_MTU_addresses_and_up()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("hostA", "hostB", peerUp: true);
        host.Ip("link", "set", "hostA", "mtu", "1400");
        host.Ip("link", "set", "hostA", "up");
        host.Ip("addr", "add", "198.18.0.1/24", "dev", "hostA");
        host.Ip("addr", "add", "2001:db8::1/64", "dev", "hostA", "nodad");
        var mac = host.MacOf("hostA");

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "ctr_eth0")), ctr.Fd, host.Fd);
        var moved = Assert.Single(mover.MoveAll());

        Assert.Equal("hostA", moved.HostName);
        Assert.Equal("ctr_eth0", moved.ContainerName);
        Assert.Equal(mac, moved.MacAddress);
        Assert.Equal(1400u, moved.Mtu);
        Assert.Equal(
            $"ctr_eth0 mac {mac} mtu 1400 UP [inet 198.18.0.1/24 scope global label ctr_eth0; inet6 2001:db8::1/64 scope global nodad]",
            ctr.Snapshot("ctr_eth0"));
        Assert.Equal(moved.ContainerIndex, IndexOf(ctr, "ctr_eth0"));
        Assert.False(host.Has("hostA"));
        Assert.True(host.Has("hostB"));
        // The kernel makes the link-local address once the carrier is there (peer up, device up).
        Assert.True(Eventually(() => ctr.Addresses("ctr_eth0", includeLinkLocal: true).Any(a => a.StartsWith("inet6 fe80:", StringComparison.Ordinal))),
            "no fe80:: address appeared on ctr_eth0: " + string.Join("; ", ctr.Addresses("ctr_eth0", includeLinkLocal: true)));
    }

    [RootFact]
    public void Without_a_name_the_device_keeps_its_host_name()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("keepme0", "keepme1");
        host.Ip("addr", "add", "198.18.1.1/24", "dev", "keepme0");

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("keepme0", null)), ctr.Fd, host.Fd);
        var moved = Assert.Single(mover.MoveAll());

        Assert.Equal("keepme0", moved.ContainerName);
        Assert.Contains("inet 198.18.1.1/24 scope global label keepme0", ctr.Addresses("keepme0"));
        Assert.False(host.Has("keepme0"));
    }

    [RootFact]
    public void Template_eth_d_where_the_container_has_eth0_gives_eth1_found_by_index()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        ctr.Ip("link", "add", "eth0", "type", "ifb");
        host.AddVeth("hostA", "hostB");
        host.Ip("addr", "add", "198.18.2.1/24", "dev", "hostA", "label", "hostA:x");

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "eth%d")), ctr.Fd, host.Fd);
        Assert.Equal("eth1", Assert.Single(mover.Devices).ExpectedName);
        var moved = Assert.Single(mover.MoveAll());

        Assert.Equal("eth1", moved.ContainerName);
        Assert.Equal(moved.ContainerIndex, IndexOf(ctr, "eth1"));
        Assert.Contains("inet 198.18.2.1/24 scope global label eth1:x", ctr.Addresses("eth1"));
        Assert.False(ctr.Has("eth%d"));
    }

    [RootFact]
    public void Fixed_names_move_before_templates_so_a_template_never_takes_a_name_asked_for()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        ctr.Ip("link", "add", "eth0", "type", "ifb");
        host.AddVeth("aaa", "aaapeer");
        host.AddVeth("bbb", "bbbpeer");

        // "aaa" sorts first, but its template must not take eth1, which "bbb" asked for.
        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("aaa", "eth%d"), ("bbb", "eth1")), ctr.Fd, host.Fd);
        var moved = mover.MoveAll();

        Assert.Equal(["bbb", "aaa"], moved.Select(m => m.HostName));
        Assert.Equal(["eth1", "eth2"], moved.Select(m => m.ContainerName));
    }

    [RootFact]
    public void Several_devices_at_once_veth_macvlan_and_ifb()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("vethend", "vethpeer");
        host.AddVeth("parent0", "parent1");
        host.Ip("link", "add", "mvlan0", "link", "parent0", "type", "macvlan", "mode", "bridge");
        host.Ip("link", "add", "ifb7", "type", "ifb");
        host.Ip("addr", "add", "198.18.10.1/24", "dev", "vethend");
        host.Ip("addr", "add", "198.18.11.1/24", "dev", "mvlan0");
        host.Ip("addr", "add", "2001:db8:12::1/64", "dev", "ifb7", "nodad");
        var macs = new[] { "vethend", "mvlan0", "ifb7" }.ToDictionary(d => d, host.MacOf);

        using var mover = NetDeviceMover.Prepare(
            NetDeviceMap.Of(("vethend", "ctr_veth"), ("mvlan0", "ctr_mv"), ("ifb7", "net%d")), ctr.Fd, host.Fd);
        var moved = mover.MoveAll().ToDictionary(m => m.HostName);

        Assert.Equal(3, moved.Count);
        Assert.Equal($"ctr_veth mac {macs["vethend"]} mtu 1500 UP [inet 198.18.10.1/24 scope global label ctr_veth]", ctr.Snapshot("ctr_veth"));
        Assert.Equal($"ctr_mv mac {macs["mvlan0"]} mtu 1500 UP [inet 198.18.11.1/24 scope global label ctr_mv]", ctr.Snapshot("ctr_mv"));
        Assert.Equal("net0", moved["ifb7"].ContainerName);
        Assert.Equal($"net0 mac {macs["ifb7"]} mtu 1500 UP [inet6 2001:db8:12::1/64 scope global nodad]", ctr.Snapshot("net0"));
        Assert.Equal(["parent0", "parent1", "vethpeer"], host.LinkNames().Where(n => n != "lo").Order(StringComparer.Ordinal));
    }

    [RootFact]
    public void IPv6_only_device()
    {
        var addresses = MoveOneWith(h =>
        {
            h.Ip("addr", "add", "2001:db8:6::1/64", "dev", "hostA", "nodad");
            h.Ip("addr", "add", "2001:db8:6::2/128", "dev", "hostA", "nodad");
        });
        Assert.Equal(["inet6 2001:db8:6::1/64 scope global nodad", "inet6 2001:db8:6::2/128 scope global nodad"], addresses.Order(StringComparer.Ordinal));
    }

    [RootFact]
    public void Custom_broadcast_is_kept()
    {
        var addresses = MoveOneWith(h => h.Ip("addr", "add", "198.18.3.1/24", "brd", "198.18.3.77", "dev", "hostA"));
        Assert.Equal(["inet 198.18.3.1/24 brd 198.18.3.77 scope global label ctr_eth0"], addresses);
    }

    [RootFact]
    public void Peer_address_is_kept()
    {
        var addresses = MoveOneWith(h => h.Ip("addr", "add", "198.18.5.1", "peer", "198.18.5.2/32", "dev", "hostA"));
        Assert.Equal(["inet 198.18.5.1 peer 198.18.5.2/32 scope global label ctr_eth0"], addresses);
    }

    [RootFact]
    public void Nodad_and_noprefixroute_are_kept()
    {
        var addresses = MoveOneWith(h =>
        {
            h.Ip("addr", "add", "198.18.4.1/24", "dev", "hostA", "noprefixroute");
            h.Ip("addr", "add", "2001:db8:4::1/64", "dev", "hostA", "nodad", "noprefixroute");
        });
        Assert.Equal(["inet 198.18.4.1/24 scope global label ctr_eth0 noprefixroute", "inet6 2001:db8:4::1/64 scope global nodad noprefixroute"],
            addresses);
    }

    [RootFact]
    public void IPv4_labels_are_renamed_with_the_device()
    {
        var addresses = MoveOneWith(h =>
        {
            h.Ip("addr", "add", "198.18.6.1/24", "dev", "hostA");
            h.Ip("addr", "add", "198.18.6.2/24", "dev", "hostA", "label", "hostA:web");
        });
        Assert.Equal(["inet 198.18.6.1/24 scope global label ctr_eth0", "inet 198.18.6.2/24 scope global label ctr_eth0:web secondary"], addresses);
    }

    [RootFact]
    public void Addresses_with_a_finite_lifetime_are_not_carried()
    {
        var addresses = MoveOneWith(h =>
        {
            h.Ip("addr", "add", "198.18.7.1/24", "dev", "hostA");
            h.Ip("addr", "add", "198.18.8.1/24", "dev", "hostA", "valid_lft", "300", "preferred_lft", "300");
            h.Ip("addr", "add", "2001:db8:8::1/64", "dev", "hostA", "nodad", "valid_lft", "300", "preferred_lft", "300");
        });
        Assert.Equal(["inet 198.18.7.1/24 scope global label ctr_eth0"], addresses);
    }

    [RootFact]
    public void Names_of_15_bytes_work_end_to_end()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        const string hostName = "h23456789012345", containerName = "c23456789012345";
        host.AddVeth(hostName, "peer15");
        host.Ip("addr", "add", "198.18.9.1/24", "dev", hostName);

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of((hostName, containerName)), ctr.Fd, host.Fd);
        var moved = Assert.Single(mover.MoveAll());

        Assert.Equal(containerName, moved.ContainerName);
        Assert.Equal(["inet 198.18.9.1/24 scope global label c23456789012345"], ctr.Addresses(containerName));
    }

    [RootFact]
    public void A_multibyte_UTF8_name_is_counted_in_bytes_and_works_end_to_end()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        const string name = "ééééé_abcd"; // 10 characters, 15 bytes
        Assert.Equal(15, System.Text.Encoding.UTF8.GetByteCount(name));
        host.AddVeth("hostA", "hostB");
        host.Ip("addr", "add", "198.18.13.1/24", "dev", "hostA");

        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", name)), ctr.Fd, host.Fd);
        var moved = Assert.Single(mover.MoveAll());

        Assert.Equal(name, moved.ContainerName);
        using var inside = RouteNetlink.OpenIn(ctr.Fd);
        Assert.Equal(moved.ContainerIndex, inside.GetLink(name)!.Index);
        var address = Assert.Single(inside.ListAddresses(moved.ContainerIndex, LinuxAddressFamily.IPv4));
        Assert.Equal(name, address.Label);
    }

    /// <summary>hostA (a veth end, down) gets the addresses <paramref name="configure"/> adds, moves as ctr_eth0; its addresses inside.</summary>
    private static IReadOnlyList<string> MoveOneWith(Action<TestNetns> configure)
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        host.AddVeth("hostA", "hostB");
        configure(host);
        using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "ctr_eth0")), ctr.Fd, host.Fd);
        Assert.Single(mover.MoveAll());
        Assert.Contains(" UP [", ctr.Snapshot("ctr_eth0"), StringComparison.Ordinal);
        return ctr.Addresses("ctr_eth0");
    }

    internal static int IndexOf(TestNetns netns, string device)
    {
        var json = netns.Ip("-j", "link", "show", "dev", device);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement[0].GetProperty("ifindex").GetInt32();
    }

    internal static bool Eventually(Func<bool> condition, int milliseconds = 5000)
    {
        var deadline = Environment.TickCount64 + milliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }
            Thread.Sleep(50);
        }
        return true;
    }
}
