using System.Globalization;
using System.Text.Json.Nodes;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// Containers with a user namespace (0 -> 100000, 65536 ids): the process is root of its
/// namespace, 100000 on the host. Their rootfs is a busybox tree owned by 100000 in a
/// directory anyone may traverse: the shared one sits in a 0700 temp directory, which the
/// namespace's root (not host root) cannot enter, as with runc.
/// </summary>
public sealed class UserNamespaceTests(ContainerHost host, UserNamespaceTests.MappedRootfs rootfs)
    : IClassFixture<ContainerHost>, IClassFixture<UserNamespaceTests.MappedRootfs>
{
    private const uint HostBase = 100000;

    /// <summary>A busybox rootfs chowned to the mapped root, under a 0755 directory; removed on Dispose.</summary>
    public sealed class MappedRootfs : IDisposable
    {
        private readonly string _parent;

        public MappedRootfs()
        {
            _parent = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hutch-it-uns-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(_parent);
            ContainerHost.HostCommand("chmod", "0755", _parent);
            Path = System.IO.Path.Combine(_parent, "rootfs");
            ContainerHost.HostCommand("/bin/bash", System.IO.Path.Combine(Testing.Host.RepoRoot, "tests", "tools", "busybox-rootfs.sh"), Path);
            ContainerHost.HostCommand("chown", "-R", $"{HostBase}:{HostBase}", Path);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(_parent, recursive: true);
    }

    private void MapIds(ContainerConfig c)
    {
        c.Root!.Path = rootfs.Path;
        c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
        c.Linux.UidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = HostBase, Size = 65536 }];
        c.Linux.GidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = HostBase, Size = 65536 }];
    }

    [ContainerFact]
    public void The_process_is_root_of_its_user_namespace_with_the_configured_map()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            MapIds(c);
            c.Process!.Args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; readlink /proc/self/ns/user; grep CapEff /proc/self/status; ls /dev/null /proc/self/status /sys/class/net/lo"];
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal("0", lines[1]);
        Assert.Equal("0 100000 65536", Squeeze(lines[2]));
        Assert.Equal("0 100000 65536", Squeeze(lines[3]));
        Assert.NotEqual(ContainerHost.HostCommand("readlink", "/proc/self/ns/user").Trim(), lines[4]);
        // The default spec's effective set, CAP_KILL | CAP_NET_BIND_SERVICE | CAP_AUDIT_WRITE:
        // not zero, so execve kept the capabilities (a process unmapped in its namespace loses all).
        Assert.Equal("CapEff:\t0000000020000420", lines[5]);
        Assert.Contains("/dev/null", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("/sys/class/net/lo", outcome.Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void On_the_host_the_created_init_runs_as_the_mapped_uid()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            MapIds(c);
            c.Process!.Args = ["sleep", "30"];
        });

        var create = host.Hutch("create", "--bundle", bundle, id);
        Assert.True(create.ExitCode == 0, create.ToString());
        var state = JsonNode.Parse(host.Hutch("state", id).Stdout)!;
        var pid = ((int)state["pid"]!).ToString(CultureInfo.InvariantCulture);
        var status = File.ReadAllLines($"/proc/{pid}/status");
        Assert.Equal($"Uid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", status.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
        Assert.Equal($"Gid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", status.Single(l => l.StartsWith("Gid:", StringComparison.Ordinal)));

        var start = host.Hutch("start", id);
        Assert.True(start.ExitCode == 0, start.ToString());
        var delete = host.Hutch("delete", "--force", id);
        Assert.True(delete.ExitCode == 0, delete.ToString());
    }

    [ContainerFact]
    public void A_container_can_join_another_containers_user_namespace_by_path()
    {
        var first = host.NewId();
        var create = host.Hutch("create", "--bundle", host.Bundle(c =>
        {
            MapIds(c);
            c.Process!.Args = ["sleep", "30"];
        }), first);
        Assert.True(create.ExitCode == 0, create.ToString());
        var pid = ((int)JsonNode.Parse(host.Hutch("state", first).Stdout)!["pid"]!).ToString(CultureInfo.InvariantCulture);
        var userns = $"/proc/{pid}/ns/user";

        var outcome = host.Hutch("run", "--bundle", host.Bundle(c =>
        {
            c.Root!.Path = rootfs.Path;
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user", Path = userns });
            c.Process!.Args = ["sh", "-c", "id -u; readlink /proc/self/ns/user; cat /proc/self/uid_map"];
        }), host.NewId());

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal(ContainerHost.HostCommand("readlink", userns).Trim(), lines[1]);
        Assert.Equal("0 100000 65536", Squeeze(lines[2]));
        Assert.Equal(0, host.Hutch("delete", "--force", first).ExitCode);
    }

    [ContainerFact]
    public void Without_a_network_namespace_the_hosts_sys_is_bound_read_only()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            MapIds(c);
            c.Linux!.Namespaces!.RemoveAll(ns => ns.Type == "network");
            c.Process!.Args = ["sh", "-c", "grep ' /sys ' /proc/self/mountinfo; ls /sys/class/net/lo >/dev/null && echo listed; touch /sys/x 2>/dev/null || echo refused"];
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sys = Assert.Single(lines, l => l.Split(' ') is { Length: > 5 } fields && fields[4] == "/sys");
        Assert.Contains(" ro,nosuid,nodev,noexec", sys, StringComparison.Ordinal);
        Assert.Equal(["listed", "refused"], lines[^2..]);
    }

    [ContainerFact]
    public void A_veth_end_is_moved_into_a_container_with_a_user_namespace()
    {
        var hostName = Testing.Host.UniqueName("hua");
        var peerName = Testing.Host.UniqueName("hub");
        ContainerHost.HostCommand("ip", "link", "add", hostName, "type", "veth", "peer", "name", peerName);
        try
        {
            var id = host.NewId();
            var bundle = host.Bundle(c =>
            {
                MapIds(c);
                c.Process!.Args = ["sh", "-c", "id -u; ip -o link show eth7"];
                c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [hostName] = new LinuxNetDevice { Name = "eth7" } };
            });

            var outcome = host.Hutch("run", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("0", lines[0]);
            Assert.Contains("eth7", lines[1], StringComparison.Ordinal);
            Assert.Contains(",UP", lines[1], StringComparison.Ordinal);
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

    private static string Squeeze(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
