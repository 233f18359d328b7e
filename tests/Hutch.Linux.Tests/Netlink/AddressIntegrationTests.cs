using System.Net;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>RouteNetlink addresses against the real kernel, on veths inside namespaces each test makes.</summary>
public class AddressIntegrationTests
{
    [RootFact]
    public void Dump_sees_permanent_global_addresses_with_their_attributes()
    {
        using var netns = TestNetns.Create();
        var (a, b) = netns.AddVeth();
        netns.Ip("addr", "add", "198.18.1.1/24", "brd", "198.18.1.255", "dev", a, "label", a + ":w");
        netns.Ip("addr", "add", "198.18.5.1", "peer", "198.18.5.2/32", "dev", a);
        netns.Ip("addr", "add", "198.18.2.1/24", "dev", a, "noprefixroute");
        netns.Ip("addr", "add", "2001:db8::1/64", "dev", a, "nodad");
        netns.Ip("addr", "add", "198.18.9.1/24", "dev", b);
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var index = rtnl.GetLink(a)!.Index;

        var addresses = rtnl.ListAddresses(index);

        Assert.All(addresses, x => Assert.Equal(index, x.Index));
        Assert.Equal(4, addresses.Count);
        Assert.All(addresses, x => Assert.True(x.IsPermanent && x.IsGlobalScope, x.ToString()));

        var plain = Single(addresses, "198.18.1.1/24");
        Assert.Equal(LinuxAddressFamily.IPv4, plain.Family);
        Assert.Equal(IPAddress.Parse("198.18.1.1"), plain.Local);
        Assert.Equal(IPAddress.Parse("198.18.1.1"), plain.Address);
        Assert.Equal(IPAddress.Parse("198.18.1.255"), plain.Broadcast);
        Assert.Equal(a + ":w", plain.Label);
        Assert.True(plain.HasInfiniteLifetimes);

        var peer = Single(addresses, "198.18.5.1 peer 198.18.5.2/32");
        Assert.Equal(IPAddress.Parse("198.18.5.2"), peer.Peer);
        Assert.Equal(a, peer.Label);

        Assert.True((Single(addresses, "198.18.2.1/24").Flags & AddressFlags.NoPrefixRoute) != 0);

        var v6 = Single(addresses, "2001:db8::1/64");
        Assert.Equal(LinuxAddressFamily.IPv6, v6.Family);
        Assert.Null(v6.Local);
        Assert.Equal(AddressFlags.Permanent | AddressFlags.NoDad, v6.Flags);

        Assert.Equal(3, rtnl.ListAddresses(index, LinuxAddressFamily.IPv4).Count);
        Assert.Equal([v6], rtnl.ListAddresses(index, LinuxAddressFamily.IPv6));
        Assert.Contains(rtnl.ListAddresses(), x => x.ToString() == "198.18.9.1/24");
    }

    [RootFact]
    public void Re_added_addresses_read_back_identical()
    {
        using var netns = TestNetns.Create();
        var (a, b) = netns.AddVeth();
        netns.Ip("addr", "add", "198.18.1.1/24", "brd", "198.18.1.255", "dev", a, "label", a + ":w");
        netns.Ip("addr", "add", "198.18.5.1", "peer", "198.18.5.2/32", "dev", a);
        netns.Ip("addr", "add", "198.18.2.1/24", "dev", a, "noprefixroute");
        netns.Ip("addr", "add", "2001:db8::1/64", "dev", a, "nodad");
        netns.Ip("addr", "add", "2001:db8:1::1/64", "dev", a, "nodad", "noprefixroute");
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var from = rtnl.GetLink(a)!.Index;
        var to = rtnl.GetLink(b)!.Index;
        var originals = rtnl.ListAddresses(from);

        // What the mover does: same address on another device, label renamed with the device.
        var expected = originals
            .Select(x => x with { Index = to, Label = x.Label?.Replace(a, b, StringComparison.Ordinal) })
            .ToList();
        foreach (var address in expected)
        {
            rtnl.AddAddress(address);
        }

        var copies = rtnl.ListAddresses(to);
        Assert.Equal(Sorted(expected), Sorted(copies));
        Assert.Contains(b + ":w", netns.Ip("-4", "addr", "show", "dev", b), StringComparison.Ordinal);
        Assert.Contains("peer 198.18.5.2/32", netns.Ip("-4", "addr", "show", "dev", b), StringComparison.Ordinal);
    }

    [RootFact]
    public void Finite_lifetimes_round_trip_and_make_the_address_not_permanent()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var index = rtnl.GetLink(a)!.Index;

        rtnl.AddAddress(new AddressInfo(index, LinuxAddressFamily.IPv6, 64, AddressFlags.NoDad, AddressScope.Universe,
            null, IPAddress.Parse("2001:db8:2::1"), ValidLifetime: 3000, PreferredLifetime: 2000));

        var address = Assert.Single(rtnl.ListAddresses(index, LinuxAddressFamily.IPv6), x => x.IsGlobalScope);
        Assert.False(address.IsPermanent);
        Assert.InRange(address.ValidLifetime, 2990u, 3000u);
        Assert.InRange(address.PreferredLifetime, 1990u, 2000u);
    }

    [RootFact]
    public void Invalid_prefix_length_carries_the_kernel_text()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var index = rtnl.GetLink(a)!.Index;
        var bad = new AddressInfo(index, LinuxAddressFamily.IPv4, 33, AddressFlags.None, AddressScope.Universe,
            IPAddress.Parse("198.18.3.1"), IPAddress.Parse("198.18.3.1"));

        var e = Assert.Throws<NetlinkException>(() => rtnl.AddAddress(bad));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.NotNull(e.KernelMessage);
        Assert.Equal(
            $"add address 198.18.3.1/33 to device `{a}` (index {index}): invalid argument (kernel: {e.KernelMessage})",
            e.Message);
    }

    [RootFact]
    public void Adding_an_existing_address_says_so_and_delete_removes_it()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        netns.Ip("addr", "add", "198.18.4.1/24", "dev", a);
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var index = rtnl.GetLink(a)!.Index;
        var existing = Assert.Single(rtnl.ListAddresses(index));

        var e = Assert.Throws<NetlinkException>(() => rtnl.AddAddress(existing));
        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Contains("the device already has this address", e.Message, StringComparison.Ordinal);

        rtnl.DeleteAddress(existing);
        Assert.Empty(rtnl.ListAddresses(index));
    }

    private static AddressInfo Single(IReadOnlyList<AddressInfo> addresses, string text) =>
        Assert.Single(addresses, x => x.ToString() == text);

    private static List<AddressInfo> Sorted(IEnumerable<AddressInfo> addresses) =>
        addresses.OrderBy(x => x.ToString(), StringComparer.Ordinal).ToList();
}
