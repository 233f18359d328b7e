using System.Text.Json.Nodes;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// The netDevices walkthrough (netdev-walkthrough.md) through the real binary: a veth end
/// with permanent global addresses, a named network namespace joined by path, and what
/// must be true inside, after exit, after delete, and after every refusal.
/// </summary>
public sealed class NetDevicesWalkthroughTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void The_walkthrough_moves_the_device_renamed_with_its_mac_addresses_and_up()
    {
        using var scene = new HostScene();
        var mac = scene.Link()["address"]!.GetValue<string>();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sh", "-c", "ip -o link show ctr_eth0; ip -o addr show dev ctr_eth0"];
            scene.JoinNamedNamespace(c);
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() { Name = "ctr_eth0" } };
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("ctr_eth0", outcome.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"ctr_eth0[^<]*<([A-Z_-]+,)*UP[,>]", outcome.Stdout);
        Assert.Contains(mac, outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("inet 198.18.0.1/24", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("inet6 2001:db8::1/64", outcome.Stdout, StringComparison.Ordinal);
        Assert.False(HostScene.LinkExists(scene.Device), "the device is gone from the host namespace");

        // After exit (run deleted the container) the device stays in the named namespace with its
        // addresses: delete never touches devices.
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "run deleted the container");
        var inside = ContainerHost.HostCommand("ip", "-n", scene.Namespace, "-o", "addr", "show", "dev", "ctr_eth0");
        Assert.Contains("198.18.0.1/24", inside, StringComparison.Ordinal);
        Assert.Contains("2001:db8::1/64", inside, StringComparison.Ordinal);
        Assert.Contains("nodad", inside, StringComparison.Ordinal);

        // Deleting the namespace destroys the veth, and its peer with it (the kernel cleans up
        // a namespace asynchronously, hence the wait).
        scene.DeleteNamespace();
        Assert.True(SpinUntil(() => !HostScene.LinkExists(scene.Peer)), "the veth peer died with the namespace");
    }

    [ContainerFact]
    public void A_template_name_gets_the_first_free_number_in_the_namespace()
    {
        using var scene = new HostScene();
        scene.AddDeviceInside("eth0");
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["ip", "-o", "addr", "show", "dev", "eth1"];
            scene.JoinNamedNamespace(c);
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() { Name = "eth%d" } };
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("198.18.0.1/24", outcome.Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void A_namespace_made_by_hutch_takes_the_device_with_it_on_delete()
    {
        using var scene = new HostScene();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() };
        });

        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);
        Assert.False(HostScene.LinkExists(scene.Device), "moved into the container's new namespace");
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);

        // The namespace dies with the container's last process; the veth dies with it (and its peer).
        Assert.True(SpinUntil(() => !HostScene.LinkExists(scene.Peer)), "the veth pair is destroyed with hutch's namespace");
    }

    [ContainerFact]
    public void A_missing_device_is_refused_and_nothing_is_left()
    {
        using var scene = new HostScene();
        var before = scene.Snapshot();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            scene.JoinNamedNamespace(c);
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice>
            {
                [scene.Device] = new() { Name = "ctr_eth0" },
                ["nosuchdev0"] = new() { Name = "ctr_eth1" },
            };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("nosuchdev0", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", outcome.Stderr, StringComparison.Ordinal);
        AssertNothingLeft(id, scene, before);
    }

    [ContainerFact]
    public void A_name_taken_in_the_namespace_is_refused_before_anything_moves()
    {
        using var scene = new HostScene();
        scene.AddDeviceInside("ctr_eth0");
        var before = scene.Snapshot();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            scene.JoinNamedNamespace(c);
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() { Name = "ctr_eth0" } };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("ctr_eth0", outcome.Stderr, StringComparison.Ordinal);
        AssertNothingLeft(id, scene, before);
    }

    [ContainerFact]
    public void A_failing_create_runtime_hook_brings_the_device_back_as_it_was()
    {
        using var scene = new HostScene();
        var before = scene.Snapshot();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            scene.JoinNamedNamespace(c);
            c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() { Name = "ctr_eth0" } };
            c.Hooks = new Hooks { CreateRuntime = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", "exit 1"] }] };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        // The snapshot covers the host device (name, MAC, MTU, flags, addresses) and the namespace's links.
        AssertNothingLeft(id, scene, before);
    }

    [ContainerFact]
    public void Bad_names_are_refused_with_their_json_path_before_anything_happens()
    {
        using var scene = new HostScene();
        var before = scene.Snapshot();
        foreach (var bad in new[] { "sixteen_bytes_xx", "a/b", "a:b", "a b", "..", "e%d%d" })
        {
            var id = host.NewId();
            var bundle = host.Bundle(c =>
            {
                scene.JoinNamedNamespace(c);
                c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [scene.Device] = new() { Name = bad } };
            });

            var outcome = host.Hutch("create", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 1, $"{bad}: {outcome}");
            Assert.Contains($"linux.netDevices[\"{scene.Device}\"].name", outcome.Stderr, StringComparison.Ordinal);
            AssertNothingLeft(id, scene, before);
        }
    }

    private void AssertNothingLeft(string id, HostScene scene, string before)
    {
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
        Assert.Equal(before, scene.Snapshot());
    }

    private static bool SpinUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return condition();
    }

    /// <summary>
    /// The host side of the walkthrough, with unique names: a veth pair (Device, Peer) where
    /// Device is up with 198.18.0.1/24 and 2001:db8::1/64 nodad, and a named network namespace.
    /// Dispose removes both, whatever the test did.
    /// </summary>
    private sealed class HostScene : IDisposable
    {
        public HostScene()
        {
            Device = Testing.Host.UniqueName("wa");
            Peer = Testing.Host.UniqueName("wb");
            Namespace = Testing.Host.UniqueName("hutchwt");
            ContainerHost.HostCommand("ip", "netns", "add", Namespace);
            ContainerHost.HostCommand("ip", "link", "add", Device, "type", "veth", "peer", "name", Peer);
            ContainerHost.HostCommand("ip", "link", "set", Device, "up");
            ContainerHost.HostCommand("ip", "addr", "add", "198.18.0.1/24", "dev", Device);
            ContainerHost.HostCommand("ip", "addr", "add", "2001:db8::1/64", "dev", Device, "nodad");
        }

        public string Device { get; }

        public string Peer { get; }

        public string Namespace { get; }

        public void JoinNamedNamespace(ContainerConfig config)
        {
            var network = config.Linux!.Namespaces!.Single(n => n.Type == "network");
            network.Path = "/var/run/netns/" + Namespace;
        }

        /// <summary>A veth pair made inside the namespace, one end named <paramref name="name"/>.</summary>
        public void AddDeviceInside(string name) =>
            ContainerHost.HostCommand("ip", "-n", Namespace, "link", "add", name, "type", "veth", "peer", "name", name + "p");

        /// <summary>The host device as `ip -j addr` shows it: name, MAC, MTU, flags, addresses with their flags.</summary>
        public JsonNode Link() => JsonNode.Parse(ContainerHost.HostCommand("ip", "-j", "addr", "show", "dev", Device))![0]!;

        /// <summary>Everything a refusal must leave unchanged: the host device and the namespace's links.</summary>
        public string Snapshot() =>
            ContainerHost.HostCommand("ip", "-j", "addr", "show", "dev", Device) + "\n" +
            ContainerHost.HostCommand("ip", "-n", Namespace, "-j", "link", "show");

        public static bool LinkExists(string name)
        {
            try
            {
                ContainerHost.HostCommand("ip", "link", "show", "dev", name);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        public void DeleteNamespace() => ContainerHost.HostCommand("ip", "netns", "del", Namespace);

        public void Dispose()
        {
            foreach (var action in new Action[]
            {
                () => ContainerHost.HostCommand("ip", "netns", "del", Namespace),
                () => ContainerHost.HostCommand("ip", "link", "del", Device),
                () => ContainerHost.HostCommand("ip", "link", "del", Peer),
            })
            {
                try
                {
                    action();
                }
                catch (InvalidOperationException)
                {
                    // Already gone (deleted by the test, or destroyed with its namespace).
                }
            }
        }
    }
}
