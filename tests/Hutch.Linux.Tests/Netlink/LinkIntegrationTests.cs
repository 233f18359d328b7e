using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>RouteNetlink links against the real kernel, in namespaces each test makes.</summary>
public class LinkIntegrationTests
{
    [RootFact]
    public void Get_link_by_name_and_by_index()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);

        var byName = rtnl.GetLink(a);
        Assert.NotNull(byName);
        Assert.Equal(a, byName.Name);
        Assert.Equal("veth", byName.Kind);
        Assert.Equal(1500u, byName.Mtu);
        Assert.False(byName.IsUp);
        Assert.Equal(IpCommand.MacOf(netns.Name, a), byName.FormattedAddress);
        Assert.Equal((ushort)1, byName.LinkType);

        var byIndex = rtnl.GetLink(byName.Index);
        Assert.Equal(byName, byIndex);
    }

    [RootFact]
    public void Missing_device_is_null_and_an_operation_on_it_says_no_such_device()
    {
        using var netns = TestNetns.Create();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);

        Assert.Null(rtnl.GetLink("nosuchdev0"));
        Assert.Null(rtnl.GetLink(999_999));

        var e = Assert.Throws<NetlinkException>(() => rtnl.SetUp(999_999, true));
        Assert.Equal(Errno.ENODEV, e.Errno);
        Assert.Equal("#999999", e.Device);
        Assert.StartsWith("set device #999999 up: no such device", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public void Set_up_and_down_changes_the_flags()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var index = rtnl.GetLink(a)!.Index;

        rtnl.SetUp(index, true);
        Assert.True(rtnl.GetLink(index)!.IsUp);
        // Up with its peer down: ip prints "<NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>".
        Assert.Contains("UP", FlagsIpShows(netns, a));

        rtnl.SetUp(index, false);
        var link = rtnl.GetLink(index)!;
        Assert.False(link.IsUp);
        Assert.Equal(OperationalState.Down, link.OperationalState);
        Assert.DoesNotContain("UP", FlagsIpShows(netns, a));
    }

    [RootFact]
    public void Rename_keeps_the_index_and_refuses_a_taken_name()
    {
        using var netns = TestNetns.Create();
        var (a, b) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var before = rtnl.GetLink(a)!;
        var newName = Host.UniqueName("rn");

        rtnl.Rename(before.Index, newName);

        Assert.Null(rtnl.GetLink(a));
        var after = rtnl.GetLink(newName)!;
        Assert.Equal(before.Index, after.Index);
        Assert.Equal(before.Address, after.Address);

        var e = Assert.Throws<NetlinkException>(() => rtnl.Rename(after.Index, b));
        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Contains($"rename device `{newName}` (index {after.Index}) to `{b}`: file exists", e.Message, StringComparison.Ordinal);
        Assert.Contains("choose another name", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public void List_links_in_a_namespace_sees_only_that_namespace()
    {
        using var netns = TestNetns.Create();
        var (a, b) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var inside = RouteNetlink.OpenIn(fd);
        using var host = RouteNetlink.Open();

        var names = inside.ListLinks().Select(l => l.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "lo", a, b }.Order(StringComparer.Ordinal), names);
        Assert.Contains(inside.ListLinks(), l => l.Name == "lo" && (l.Flags & InterfaceFlags.Loopback) != 0 && l.Kind is null);

        var hostNames = host.ListLinks().Select(l => l.Name).ToList();
        Assert.DoesNotContain(a, hostNames);
        Assert.DoesNotContain(b, hostNames);
        // The host has at least one device that the test namespace does not.
        Assert.Contains(hostNames, n => n != "lo");
        Assert.Null(inside.GetLink(hostNames.First(n => n != "lo")));
    }

    [RootFact]
    public void Move_between_namespaces_with_a_new_name()
    {
        using var source = TestNetns.Create();
        using var target = TestNetns.Create();
        var (a, _) = source.AddVeth();
        var mac = IpCommand.MacOf(source.Name, a);
        using var sourceFd = NetworkNamespace.Open(source.Path);
        using var targetFd = NetworkNamespace.Open(target.Path);
        using var from = RouteNetlink.OpenIn(sourceFd);
        using var to = RouteNetlink.OpenIn(targetFd);
        var link = from.GetLink(a)!;
        from.SetUp(link.Index, true);

        from.MoveToNamespace(link.Index, targetFd, "ctr_eth0");

        Assert.Null(from.GetLink(a));
        Assert.Null(from.GetLink(link.Index));
        // The ifindex may change on a move when it is taken in the target, so this looks the
        // device up by its new name, only to compare what moved.
        var moved = to.GetLink("ctr_eth0")!;
        Assert.Equal(mac, moved.FormattedAddress);
        Assert.Equal("veth", moved.Kind);
        Assert.False(moved.IsUp);
        Assert.Equal(moved, to.GetLink(moved.Index));
        Assert.Equal(mac, IpCommand.MacOf(target.Name, "ctr_eth0"));
    }

    [RootFact]
    public void Move_at_a_pinned_index_with_a_name_template()
    {
        using var source = TestNetns.Create();
        using var target = TestNetns.Create();
        var (a, _) = source.AddVeth();
        using var sourceFd = NetworkNamespace.Open(source.Path);
        using var targetFd = NetworkNamespace.Open(target.Path);
        using var from = RouteNetlink.OpenIn(sourceFd);
        using var to = RouteNetlink.OpenIn(targetFd);
        var link = from.GetLink(a)!;

        from.MoveToNamespace(link.Index, targetFd, "eth%d", newIndex: 4242);

        var moved = to.GetLink(4242)!;
        Assert.Equal("eth0", moved.Name);
        Assert.Equal(link.Address, moved.Address);
    }

    [RootFact]
    public void Move_without_a_new_name_to_a_namespace_where_the_name_is_taken_fails_before_moving()
    {
        using var source = TestNetns.Create();
        using var target = TestNetns.Create();
        var (a, _) = source.AddVeth();
        target.Ip("link", "add", a, "type", "veth", "peer", "name", Host.UniqueName("vp"));
        using var sourceFd = NetworkNamespace.Open(source.Path);
        using var targetFd = NetworkNamespace.Open(target.Path);
        using var from = RouteNetlink.OpenIn(sourceFd);
        var link = from.GetLink(a)!;

        var e = Assert.Throws<NetlinkException>(() => from.MoveToNamespace(link.Index, targetFd));

        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Contains($"a device named `{a}` already exists in the target namespace", e.Message, StringComparison.Ordinal);
        Assert.Equal(link, from.GetLink(a));
    }

    [RootFact]
    public void Move_to_a_taken_name_fails_before_moving()
    {
        using var source = TestNetns.Create();
        using var target = TestNetns.Create();
        var (a, _) = source.AddVeth();
        var (taken, _) = target.AddVeth();
        using var sourceFd = NetworkNamespace.Open(source.Path);
        using var targetFd = NetworkNamespace.Open(target.Path);
        using var from = RouteNetlink.OpenIn(sourceFd);
        var link = from.GetLink(a)!;

        var e = Assert.Throws<NetlinkException>(() => from.MoveToNamespace(link.Index, targetFd, taken));

        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Contains($"move device `{a}` (index {link.Index}) into network namespace as `{taken}`: file exists", e.Message,
            StringComparison.Ordinal);
        Assert.Contains("already exists in the target namespace", e.Message, StringComparison.Ordinal);
        Assert.Equal(link, from.GetLink(a));
    }

    [RootFact]
    public void Kernel_moves_first_and_renames_after_which_is_why_MoveToNamespace_checks_the_name_first()
    {
        using var source = TestNetns.Create();
        using var target = TestNetns.Create();
        var (a, _) = source.AddVeth();
        var (taken, _) = target.AddVeth();
        using var sourceFd = NetworkNamespace.Open(source.Path);
        using var targetFd = NetworkNamespace.Open(target.Path);
        using var from = RouteNetlink.OpenIn(sourceFd);
        using var to = RouteNetlink.OpenIn(targetFd);
        var link = from.GetLink(a)!;
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.MoveToNamespace(request, link.Index, (int)targetFd.DangerousGetHandle(), taken);

        var ack = from.Socket.TryExecute(request[..length]);

        // The raw request fails with EEXIST, yet the device has left, under its old name.
        Assert.Equal(Errno.EEXIST, ack.Errno);
        Assert.Null(from.GetLink(a));
        Assert.Equal(link.Address, to.GetLink(a)!.Address);
    }

    [RootFact]
    public void Move_to_a_file_that_is_no_namespace_is_refused_and_leaves_the_device()
    {
        using var netns = TestNetns.Create();
        var (a, _) = netns.AddVeth();
        using var fd = NetworkNamespace.Open(netns.Path);
        using var rtnl = RouteNetlink.OpenIn(fd);
        var link = rtnl.GetLink(a)!;
        using var notANamespace = File.OpenHandle("/proc/self/status");

        var e = Assert.Throws<NetlinkException>(() => rtnl.MoveToNamespace(link.Index, notANamespace));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.StartsWith($"move device `{a}` (index {link.Index}) into network namespace: invalid argument", e.Message,
            StringComparison.Ordinal);
        Assert.Equal(link, rtnl.GetLink(a));
    }

    [RootFact]
    public void Host_veth_moved_into_a_test_namespace_right_away()
    {
        var a = Host.UniqueName("hva");
        var b = Host.UniqueName("hvb");
        using var netns = TestNetns.Create();
        IpCommand.Run("link", "add", a, "type", "veth", "peer", "name", b);
        try
        {
            using var host = RouteNetlink.Open();
            using var fd = NetworkNamespace.Open(netns.Path);
            var link = host.GetLink(a)!;
            host.MoveToNamespace(link.Index, fd);
            using var inside = RouteNetlink.OpenIn(fd);

            Assert.Null(host.GetLink(a));
            Assert.Equal(link.Address, inside.GetLink(a)!.Address);
        }
        finally
        {
            // Deleting either end takes the pair; one of them is still on the host.
            IpCommand.TryRun("link", "del", b);
            IpCommand.TryRun("link", "del", a);
        }
    }

    /// <summary>The flags between angle brackets in `ip link show`, e.g. NO-CARRIER, BROADCAST, UP.</summary>
    private static string[] FlagsIpShows(TestNetns netns, string device)
    {
        var line = netns.Ip("-o", "link", "show", "dev", device);
        var open = line.IndexOf('<', StringComparison.Ordinal);
        return line[(open + 1)..line.IndexOf('>', StringComparison.Ordinal)].Split(',');
    }
}
