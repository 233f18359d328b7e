using System.Net;
using Hutch.Linux.Netlink;
using Hutch.Runtime.NetDevices;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>The mover's pure rules: template resolution as the kernel does it, which addresses move, labels.</summary>
public class NetDeviceRulesTests
{
    [Theory]
    [InlineData("eth%d", "", "eth0")]
    [InlineData("eth%d", "eth0", "eth1")]
    [InlineData("eth%d", "eth0 eth1 eth3", "eth2")]
    [InlineData("eth%d", "eth00 eth01", "eth0")] // "eth00" is not what the template makes of 0
    [InlineData("net%d_x", "net0_x", "net1_x")]
    public void Template_takes_the_lowest_free_number(string template, string taken, string expected) =>
        Assert.Equal(expected, TemplateNames.Resolve(template, taken.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()));

    [Fact]
    public void Template_without_a_free_slot_that_fits_in_15_bytes_has_none()
    {
        // 13 bytes + 2 digits fill 15 bytes; 100 would be cut to "abcdefghijklm10", which is taken.
        var taken = Enumerable.Range(0, 100).Select(i => "abcdefghijklm" + i).ToHashSet();
        Assert.Null(TemplateNames.Resolve("abcdefghijklm%d", taken));
        taken.Remove("abcdefghijklm42");
        Assert.Equal("abcdefghijklm42", TemplateNames.Resolve("abcdefghijklm%d", taken));
    }

    [Fact]
    public void Only_permanent_global_addresses_are_carried()
    {
        Assert.True(AddressRules.IsCarried(V4("198.18.0.1", AddressFlags.Permanent)));
        Assert.True(AddressRules.IsCarried(V6("2001:db8::1", AddressFlags.Permanent | AddressFlags.NoDad)));
        Assert.False(AddressRules.IsCarried(V4("198.18.0.1", AddressFlags.None)));               // finite lifetime
        Assert.False(AddressRules.IsCarried(V6("fe80::1", AddressFlags.Permanent, AddressScope.Link)));
        Assert.False(AddressRules.IsCarried(V4("198.18.0.1", AddressFlags.Permanent, AddressScope.Host)));
    }

    [Fact]
    public void Rollback_restores_all_but_what_the_kernel_or_a_router_makes_again()
    {
        Assert.True(AddressRules.IsRestored(V4("198.18.0.1", AddressFlags.None)));
        Assert.True(AddressRules.IsRestored(V4("198.18.0.1", AddressFlags.Permanent, AddressScope.Host)));
        Assert.True(AddressRules.IsRestored(V6("2001:db8::1", AddressFlags.Permanent)));
        Assert.False(AddressRules.IsRestored(V6("fe80::1", AddressFlags.Permanent, AddressScope.Link)));
        Assert.False(AddressRules.IsRestored(V6("2001:db8::abcd", AddressFlags.ManageTempAddress))); // SLAAC
    }

    [Theory]
    [InlineData("hostA", "ctr_eth0", "ctr_eth0")]
    [InlineData("hostA:1", "ctr_eth0", "ctr_eth0:1")]
    [InlineData("hostAB", "ctr_eth0", "hostAB")]  // not this device's name: kept
    [InlineData("other:1", "ctr_eth0", "other:1")]
    public void Labels_follow_the_device_name(string label, string newName, string expected)
    {
        var address = V4("198.18.0.1", AddressFlags.Permanent) with { Label = label };
        var moved = AddressRules.Retarget(address, 42, "hostA", newName, out _);
        Assert.NotNull(moved);
        Assert.Equal(expected, moved.Label);
        Assert.Equal(42, moved.Index);
    }

    [Fact]
    public void A_label_that_would_outgrow_15_bytes_is_refused()
    {
        var address = V4("198.18.0.1", AddressFlags.Permanent) with { Label = "hostA:web" };
        Assert.Null(AddressRules.Retarget(address, 42, "hostA", "c23456789012345", out var label));
        Assert.Equal("c23456789012345:web", label);
    }

    private static AddressInfo V4(string address, AddressFlags flags, AddressScope scope = AddressScope.Universe) =>
        new(7, LinuxAddressFamily.IPv4, 24, flags, scope, IPAddress.Parse(address), IPAddress.Parse(address), Label: "hostA");

    private static AddressInfo V6(string address, AddressFlags flags, AddressScope scope = AddressScope.Universe) =>
        new(7, LinuxAddressFamily.IPv6, 64, flags, scope, null, IPAddress.Parse(address));
}
