using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>linux.netDevices through create: the device is inside under its new name when the process runs.</summary>
public sealed class NetDevicesTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void A_veth_end_is_moved_and_renamed_into_the_containers_new_network_namespace()
    {
        var hostName = Testing.Host.UniqueName("hva");
        var peerName = Testing.Host.UniqueName("hvb");
        ContainerHost.HostCommand("ip", "link", "add", hostName, "type", "veth", "peer", "name", peerName);
        try
        {
            var id = host.NewId();
            var bundle = host.Bundle(c =>
            {
                c.Process!.Args = ["ip", "-o", "link", "show", "eth7"];
                c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [hostName] = new LinuxNetDevice { Name = "eth7" } };
            });

            var outcome = host.Hutch("run", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            Assert.Contains("eth7", outcome.Stdout, StringComparison.Ordinal);
            Assert.Contains(",UP", outcome.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                ContainerHost.HostCommand("ip", "link", "del", hostName);
            }
            catch (InvalidOperationException)
            {
                // Gone with the container's namespace (a veth pair dies with either end).
            }
        }
    }
}
