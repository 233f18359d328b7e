using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>What the process sees inside: namespaces, hostname, mounts, env, cwd, user, fds.</summary>
public sealed class ContainerEnvironmentTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Configured_namespaces_differ_from_the_hosts()
    {
        var kinds = new[] { "pid", "net", "ipc", "uts", "mnt" };
        var output = RunAndCapture(c => c.Process!.Args = ["sh", "-c", string.Join("; ", kinds.Select(k => $"readlink /proc/self/ns/{k}"))]);

        var inside = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(kinds.Length, inside.Length);
        for (var i = 0; i < kinds.Length; i++)
        {
            var hostNs = new FileInfo($"/proc/self/ns/{kinds[i]}").LinkTarget;
            Assert.StartsWith(kinds[i] + ":[", inside[i], StringComparison.Ordinal);
            Assert.NotEqual(hostNs, inside[i]);
        }
    }

    [ContainerFact]
    public void A_network_namespace_given_by_path_is_joined()
    {
        var name = Testing.Host.UniqueName("hutchit");
        ContainerHost.HostCommand("ip", "netns", "add", name);
        try
        {
            var path = "/run/netns/" + name;
            var inode = ContainerHost.HostCommand("stat", "-L", "-c", "%i", path).Trim();

            var output = RunAndCapture(c =>
            {
                c.Process!.Args = ["readlink", "/proc/self/ns/net"];
                c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "network"), new LinuxNamespace { Type = "network", Path = path }];
            });

            Assert.Equal($"net:[{inode}]", output.Trim());
        }
        finally
        {
            ContainerHost.HostCommand("ip", "netns", "del", name);
        }
    }

    [ContainerFact]
    public void Hostname_is_set()
    {
        var output = RunAndCapture(c =>
        {
            c.Hostname = "hutch-it-host";
            c.Process!.Args = ["hostname"];
        });

        Assert.Equal("hutch-it-host", output.Trim());
    }

    [ContainerFact]
    public void Config_mounts_are_visible_inside()
    {
        var mounts = RunAndCapture(c => c.Process!.Args = ["cat", "/proc/mounts"]);

        Assert.Contains("proc /proc proc", mounts, StringComparison.Ordinal);
        Assert.Contains("tmpfs /dev tmpfs", mounts, StringComparison.Ordinal);
        Assert.Contains("devpts /dev/pts devpts", mounts, StringComparison.Ordinal);
        Assert.Contains("sysfs /sys sysfs", mounts, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Env_cwd_and_user_are_applied()
    {
        var output = RunAndCapture(c =>
        {
            c.Process!.Args = ["sh", "-c", "echo $GREETING; pwd; id -u; id -g; id -G"];
            c.Process.Env = ["PATH=/bin:/usr/bin", "GREETING=hello from hutch"];
            c.Process.Cwd = "/tmp";
            c.Process.User = new User { Uid = 65534, Gid = 65534, AdditionalGids = [65534, 10] };
        });

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("hello from hutch", lines[0]);
        Assert.Equal("/tmp", lines[1]);
        Assert.Equal("65534", lines[2]);
        Assert.Equal("65534", lines[3]);
        Assert.Contains("10", lines[4].Split(' '));
    }

    [ContainerFact]
    public void Env_keeps_the_last_of_each_name_and_home_comes_from_etc_passwd()
    {
        var output = RunAndCapture(c =>
        {
            c.Process!.Args = ["sh", "-c", "echo $A; env | grep -c ^A=; echo $HOME"];
            c.Process.Env = ["PATH=/bin", "A=first", "A=last"];
        });

        // One A, the last (runc); HOME as root's in the rootfs's /etc/passwd (runc sets it when missing).
        Assert.Equal("last\n1\n/root\n", output);
    }

    [ContainerFact]
    public void A_home_in_the_config_is_kept()
    {
        var output = RunAndCapture(c =>
        {
            c.Process!.Args = ["sh", "-c", "echo $HOME"];
            c.Process.Env = ["PATH=/bin", "HOME=/tmp"];
        });

        Assert.Equal("/tmp\n", output);
    }

    [ContainerFact]
    public void Only_stdio_reaches_the_process()
    {
        // ls's own directory fd is 3; nothing else may be open.
        var output = RunAndCapture(c => c.Process!.Args = ["ls", "/proc/self/fd"]);

        Assert.Equal(["0", "1", "2", "3"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private string RunAndCapture(Action<ContainerConfig> edit)
    {
        var id = host.NewId();
        var outcome = host.Hutch("run", "--bundle", host.Bundle(edit), id);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return outcome.Stdout;
    }
}
