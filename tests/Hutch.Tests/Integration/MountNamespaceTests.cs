namespace Hutch.Tests.Integration;

/// <summary>The container's / as its process sees it: linux.rootfsPropagation, and a config without a mount namespace.</summary>
public sealed class MountNamespaceTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    /// <summary>The optional fields of the container's / in its mountinfo ("shared:N", "master:N", "unbindable"; none: private).</summary>
    [ContainerTheory]
    [InlineData("shared", "shared:")]
    [InlineData("rshared", "shared:")]
    [InlineData("unbindable", "unbindable")]
    [InlineData("runbindable", "unbindable")]
    [InlineData("private", "")]
    [InlineData("rprivate", "")]
    public void RootfsPropagation_is_the_propagation_of_the_containers_root(string value, string expected)
    {
        var id = host.NewId("prop");
        // Field 5 is the mount point; the optional fields run from field 7 to the "-".
        var bundle = host.Bundle(c =>
        {
            c.Linux!.RootfsPropagation = value;
            c.Process!.Args = ["sh", "-c", "awk '$5 == \"/\" { t = \"\"; for (i = 7; $i != \"-\"; i++) t = t $i \" \"; print \"tags=\" t }' /proc/self/mountinfo"];
        });

        var run = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(run.ExitCode == 0, run.ToString());
        var tags = Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))["tags=".Length..];
        if (expected.Length == 0)
        {
            Assert.DoesNotContain("shared:", tags, StringComparison.Ordinal);
            Assert.DoesNotContain("master:", tags, StringComparison.Ordinal);
            Assert.DoesNotContain("unbindable", tags, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(expected, tags, StringComparison.Ordinal);
        }
    }

    /// <summary>A bundle without a mount namespace (and so without mounts, masked or read-only paths, or a read-only root) running <paramref name="args"/>.</summary>
    private string WithoutMountNamespace(params string[] args) => host.Bundle(c =>
    {
        c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "mount")];
        c.Mounts = [];
        c.Linux.MaskedPaths = null;
        c.Linux.ReadonlyPaths = null;
        c.Root!.Readonly = false;
        c.Process!.Args = [.. args];
    });

    [ContainerFact]
    public void Without_a_mount_namespace_the_process_runs_in_the_rootfs_not_in_the_hosts_root()
    {
        var id = host.NewId("nomnt");
        var bundle = WithoutMountNamespace("ls", "-1a", "/");

        var run = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Directory.EnumerateFileSystemEntries(ContainerHost.Rootfs).Select(entry => Path.GetFileName(entry)!).Append(".").Append("..")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>exec into a container without a mount namespace runs in its root.path (where its init chrooted), not in the host's /; the root fd does not leak into the process.</summary>
    [ContainerFact]
    public void Without_a_mount_namespace_exec_runs_in_the_rootfs_not_in_the_hosts_root()
    {
        var id = host.NewId("nomntx");
        var bundle = WithoutMountNamespace("sleep", "1000");
        try
        {
            var run = host.Hutch("run", "--detach", "--bundle", bundle, id);
            Assert.True(run.ExitCode == 0, run.ToString());

            var exec = host.Hutch("exec", id, "ls", "-1a", "/");
            // The rootfs has no /proc of its own here: the fds are read from the host's.
            var pidFile = Path.Combine(Path.GetTempPath(), id + ".pid");
            var detached = host.Hutch("exec", "--detach", "--pid-file", pidFile, id, "sleep", "1000");

            Assert.True(exec.ExitCode == 0, exec.ToString());
            var expected = Directory.EnumerateFileSystemEntries(ContainerHost.Rootfs).Select(entry => Path.GetFileName(entry)!).Append(".").Append("..")
                .Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, exec.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList());
            Assert.True(detached.ExitCode == 0, detached.ToString());
            var pid = File.ReadAllText(pidFile).Trim();
            Assert.Equal(["0", "1", "2"], Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Select(fd => Path.GetFileName(fd)!).Order(StringComparer.Ordinal).ToList());
            // Its root is the init's (root.path), never the host's "/".
            var initPid = System.Text.Json.Nodes.JsonNode.Parse(host.Hutch("state", id).Stdout)!["pid"]!.ToString();
            var root = new FileInfo($"/proc/{pid}/root").LinkTarget;
            Assert.NotEqual("/", root);
            Assert.Equal(new FileInfo($"/proc/{initPid}/root").LinkTarget, root);
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            File.Delete(Path.Combine(Path.GetTempPath(), id + ".pid"));
        }
    }

    [ContainerFact]
    public void Without_a_mount_namespace_mounts_are_refused_at_create_and_nothing_is_left()
    {
        var id = host.NewId("nomnt");
        var bundle = host.Bundle(c =>
        {
            c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "mount")];
            c.Linux.MaskedPaths = null;
            c.Linux.ReadonlyPaths = null;
            c.Root!.Readonly = true;
        });

        var create = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("mounts:", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("root.readonly:", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("no mount namespace", create.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }
}
