using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Runtime.NetDevices;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>
/// A container with a user namespace: its network namespace is owned by that user namespace,
/// and the mover, running in the parent (root in the initial user namespace), moves into it.
/// </summary>
public class NetDeviceUserNamespaceTests
{
    [RootFact]
    public void Moves_into_and_back_from_a_network_namespace_owned_by_a_new_user_namespace()
    {
        using var host = TestNetns.Create();
        host.AddVeth("hostA", "hostB");
        host.Ip("link", "set", "hostA", "up");
        host.Ip("addr", "add", "198.18.50.1/24", "dev", "hostA");
        host.Ip("addr", "add", "2001:db8:50::1/64", "dev", "hostA", "nodad");
        var before = host.Snapshot();

        var start = new ProcessStartInfo("unshare", ["--user", "--map-root-user", "--net", "sleep", "30"]) { UseShellExecute = false };
        using var holder = System.Diagnostics.Process.Start(start)!;
        try
        {
            Assert.True(NetDeviceMoveTests.Eventually(() => LinkOf(holder.Id, "user") != LinkOf(Environment.ProcessId, "user")
                                                            && LinkOf(holder.Id, "net") != LinkOf(Environment.ProcessId, "net")),
                "unshare did not enter new user and network namespaces");
            using var target = NetworkNamespace.OpenOfProcess(holder.Id);

            using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("hostA", "ctr_eth0")), target, host.Fd);
            var moved = Assert.Single(mover.MoveAll());

            using (var inside = RouteNetlink.OpenIn(target))
            {
                var link = inside.GetLink("ctr_eth0")!;
                Assert.Equal(moved.ContainerIndex, link.Index);
                Assert.True(link.IsUp);
                Assert.Equal(["198.18.50.1/24", "2001:db8:50::1/64"],
                    inside.ListAddresses(link.Index).Where(a => a.IsGlobalScope).Select(a => a.ToString()).Order(StringComparer.Ordinal));
            }
            Assert.False(host.Has("hostA"));

            mover.Rollback();
            Assert.Equal(before, host.Snapshot());
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    private static string? LinkOf(int pid, string kind)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
