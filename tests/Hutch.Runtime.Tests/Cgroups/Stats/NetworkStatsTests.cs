using System.Diagnostics;
using Hutch.Linux.Namespaces;
using Hutch.Runtime.Cgroups.Stats;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>Interface counters read by netlink inside a network namespace: a veth pair between two namespaces the test makes, pinged across.</summary>
public class NetworkStatsTests
{
    [RootFact]
    public void Counters_of_a_veth_after_pings_between_two_namespaces()
    {
        var left = Host.UniqueName("hevl");
        var right = Host.UniqueName("hevr");
        var leftDevice = Host.UniqueName("evl");
        var rightDevice = Host.UniqueName("evr");
        try
        {
            IpCommand.Run("netns", "add", left);
            IpCommand.Run("netns", "add", right);
            IpCommand.Run("-n", left, "link", "add", leftDevice, "type", "veth", "peer", "name", rightDevice, "netns", right);
            IpCommand.Run("-n", left, "addr", "add", "198.18.7.1/30", "dev", leftDevice);
            IpCommand.Run("-n", right, "addr", "add", "198.18.7.2/30", "dev", rightDevice);
            IpCommand.Run("-n", left, "link", "set", leftDevice, "up");
            IpCommand.Run("-n", right, "link", "set", rightDevice, "up");
            IpCommand.Run("-n", left, "link", "set", "lo", "up");
            Ping(left, "198.18.7.2", count: 3);

            using var netns = NetworkNamespace.OpenNamed(left);
            var interfaces = NetworkStats.ReadOfContainer(netns);

            Assert.NotNull(interfaces);
            Assert.DoesNotContain(interfaces, i => i.Name == "lo");
            var veth = Assert.Single(interfaces, i => i.Name == leftDevice);
            // 3 echo requests out and 3 replies in, plus ARP and whatever IPv6 sent meanwhile.
            Assert.True(veth.TxPackets >= 3, $"tx_packets {veth.TxPackets}");
            Assert.True(veth.RxPackets >= 3, $"rx_packets {veth.RxPackets}");
            Assert.True(veth.TxBytes >= 3 * 84, $"tx_bytes {veth.TxBytes}");
            Assert.True(veth.RxBytes >= 3 * 84, $"rx_bytes {veth.RxBytes}");
            Assert.Equal(0UL, veth.RxErrors);
            Assert.Equal(0UL, veth.TxErrors);

            // The peer counts the other way round.
            using var peerNetns = NetworkNamespace.OpenNamed(right);
            var peer = Assert.Single(NetworkStats.ReadOfContainer(peerNetns)!, i => i.Name == rightDevice);
            Assert.True(peer.RxPackets >= 3 && peer.TxPackets >= 3);
        }
        finally
        {
            IpCommand.TryRun("netns", "del", left);
            IpCommand.TryRun("netns", "del", right);
        }
    }

    [RootFact]
    public void The_runtime_s_own_namespace_is_no_container_s()
    {
        using var own = NetworkNamespace.OpenCurrent();

        Assert.Null(NetworkStats.ReadOfContainer(own));
    }

    private static void Ping(string netns, string address, int count)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "netns", "exec", netns, "busybox", "ping", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-W", "2", address })
        {
            start.ArgumentList.Add(argument);
        }
        using var ping = Process.Start(start)!;
        var output = ping.StandardOutput.ReadToEndAsync();
        var error = ping.StandardError.ReadToEnd();
        Assert.True(ping.WaitForExit(30_000), "ping hung");
        Assert.True(ping.ExitCode == 0, $"ping {address} in {netns} failed: {output.Result} {error}");
    }
}
