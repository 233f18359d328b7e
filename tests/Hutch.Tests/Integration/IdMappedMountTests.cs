using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// Id-mapped bind mounts (config.md: idmap, ridmap, mounts[].uidMappings/gidMappings) for real:
/// the kernel's MOUNT_ATTR_IDMAP seen from inside the container and from the host. Each source
/// is a directory of the test's own under /tmp (0755, so a user namespace's root may pass),
/// removed in finally; the busybox rootfs for user namespaces is UserNamespaceTests'.
/// </summary>
public sealed class IdMappedMountTests(ContainerHost host, UserNamespaceTests.MappedRootfs mapped)
    : IClassFixture<ContainerHost>, IClassFixture<UserNamespaceTests.MappedRootfs>
{
    private const uint HostBase = 100000;

    private static List<LinuxIdMapping> Map(uint containerId, uint hostId, uint size) =>
        [new LinuxIdMapping { ContainerID = containerId, HostID = hostId, Size = size }];

    /// <summary>A 0755 directory under /tmp, owned by <paramref name="owner"/>; the caller deletes it.</summary>
    private static string HostDirectory(string owner = "0:0")
    {
        var dir = Path.Combine("/tmp", "hutch-idm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        ContainerHost.HostCommand("chmod", "0755", dir);
        ContainerHost.HostCommand("chown", owner, dir);
        return dir;
    }

    private static string Owner(string path) => ContainerHost.HostCommand("stat", "-c", "%u:%g", path).Trim();

    private static void Remove(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The container has a user namespace 0 -> 100000 (65536 ids) and its rootfs is owned by 100000.</summary>
    private void InUserNamespace(ContainerConfig c)
    {
        c.Root!.Path = mapped.Path;
        c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
        c.Linux.UidMappings = Map(0, HostBase, 65536);
        c.Linux.GidMappings = Map(0, HostBase, 65536);
    }

    private static string[] Lines(Outcome outcome) => outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// No user namespace (root on the host), the mount's own mapping: on-disk 1000:2000 is the
    /// container's 0:0. The directory, 1000:2000 and 0755, looks like root's inside; what the
    /// container's root writes there is 1000:2000 on the host.
    /// </summary>
    [ContainerFact]
    public void Files_made_through_an_id_mapped_bind_have_the_mapped_owner_on_the_host()
    {
        var data = HostDirectory("1000:2000");
        try
        {
            var outcome = host.Hutch("run", "--bundle", host.Bundle(c =>
            {
                c.Mounts!.Add(new Mount
                {
                    Destination = "/data", Type = "bind", Source = data, Options = ["bind", "idmap"],
                    UidMappings = Map(1000, 0, 1), GidMappings = Map(2000, 0, 1),
                });
                c.Process!.Args = ["sh", "-c", "stat -c %u:%g /data; echo made > /data/made && mkdir /data/dir && stat -c %u:%g /data/made; grep ' /data ' /proc/self/mountinfo"];
            }), host.NewId());

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var lines = Lines(outcome);
            Assert.Equal("0:0", lines[0]);
            Assert.Equal("0:0", lines[1]);
            Assert.Contains(",idmapped ", lines[2], StringComparison.Ordinal);
            Assert.Equal("1000:2000", Owner(Path.Combine(data, "made")));
            Assert.Equal("1000:2000", Owner(Path.Combine(data, "dir")));
        }
        finally
        {
            Remove(data);
        }
    }

    /// <summary>
    /// idmap with no mappings of its own takes the container's user namespace: a host directory
    /// of root's, with a 0600 file, is root's inside and readable; a file the container's root
    /// makes is 0:0 on the host, not 100000. Without idmap the same file is the overflow id's and
    /// unreadable (the control).
    /// </summary>
    [ContainerFact]
    public void A_container_with_a_user_namespace_reads_a_host_owned_directory_through_the_mapping()
    {
        var data = HostDirectory();
        try
        {
            File.WriteAllText(Path.Combine(data, "secret"), "only root\n");
            ContainerHost.HostCommand("chmod", "0600", Path.Combine(data, "secret"));
            string Run(params string[] options)
            {
                var outcome = host.Hutch("run", "--bundle", host.Bundle(c =>
                {
                    InUserNamespace(c);
                    c.Mounts!.Add(new Mount { Destination = "/data", Type = "bind", Source = data, Options = ["rbind", .. options] });
                    c.Process!.Args = ["sh", "-c", "stat -c %u:%g /data/secret; cat /data/secret 2>&1; touch /data/new-$0 2>&1 || true"];
                }), host.NewId());
                return outcome.ExitCode == 0 ? outcome.Stdout : throw new InvalidOperationException(outcome.ToString());
            }

            var mappedView = Run("idmap").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var plainView = Run().Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(["0:0", "only root"], mappedView);
            Assert.Equal("0:0", Owner(Path.Combine(data, "new-sh")));
            Assert.Equal("65534:65534", plainView[0]);
            Assert.Contains("Permission denied", plainView[1], StringComparison.Ordinal);
        }
        finally
        {
            Remove(data);
        }
    }

    /// <summary>A container joining another's user namespace by path: idmap takes that namespace's mapping.</summary>
    [ContainerFact]
    public void Idmap_in_a_joined_user_namespace_takes_its_mapping()
    {
        var data = HostDirectory();
        var first = host.NewId();
        try
        {
            File.WriteAllText(Path.Combine(data, "file"), "x");
            var create = host.Hutch("create", "--bundle", host.Bundle(c =>
            {
                InUserNamespace(c);
                c.Process!.Args = ["sleep", "30"];
            }), first);
            Assert.True(create.ExitCode == 0, create.ToString());
            var pid = (int)System.Text.Json.Nodes.JsonNode.Parse(host.Hutch("state", first).Stdout)!["pid"]!;

            var outcome = host.Hutch("run", "--bundle", host.Bundle(c =>
            {
                c.Root!.Path = mapped.Path;
                c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user", Path = $"/proc/{pid}/ns/user" });
                c.Mounts!.Add(new Mount { Destination = "/data", Type = "bind", Source = data, Options = ["rbind", "idmap"] });
                c.Process!.Args = ["sh", "-c", "stat -c %u:%g /data/file; touch /data/joined"];
            }), host.NewId());

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            Assert.Equal(["0:0"], Lines(outcome));
            Assert.Equal("0:0", Owner(Path.Combine(data, "joined")));
        }
        finally
        {
            host.Hutch("delete", "--force", first);
            Remove(data);
        }
    }

    /// <summary>
    /// rbind of a directory with a tmpfs mounted inside it (made by the test on the host, unmounted
    /// in finally): ridmap maps both mounts, idmap only the top one, as config.md says.
    /// </summary>
    [ContainerFact]
    public void Ridmap_maps_a_nested_mount_and_idmap_only_the_top_one()
    {
        var data = HostDirectory();
        var nested = Path.Combine(data, "nested");
        Directory.CreateDirectory(nested);
        var mounted = false;
        try
        {
            ContainerHost.HostCommand("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "hutch-idm-test", nested);
            mounted = true;
            File.WriteAllText(Path.Combine(nested, "inner"), "x");
            File.WriteAllText(Path.Combine(data, "outer"), "x");
            string[] Run(string option) => Lines(host.Hutch("run", "--bundle", host.Bundle(c =>
            {
                InUserNamespace(c);
                c.Mounts!.Add(new Mount { Destination = "/data", Type = "bind", Source = data, Options = ["rbind", option] });
                c.Process!.Args = ["stat", "-c", "%u", "/data/outer", "/data/nested/inner"];
            }), host.NewId()));

            Assert.Equal(["0", "0"], Run("ridmap"));
            Assert.Equal(["0", "65534"], Run("idmap"));
        }
        finally
        {
            if (mounted)
            {
                ContainerHost.HostCommand("umount", nested);
            }
            Remove(data);
        }
    }

    /// <summary>
    /// procfs cannot be id-mapped (measured on Linux 6.18, as are sysfs, overlay, ramfs, devpts,
    /// mqueue and cgroup2; ext4 and tmpfs can): create fails naming the mount's JSON path and
    /// leaves no state, no process and nothing mounted on the host.
    /// </summary>
    [ContainerFact]
    public void A_filesystem_that_refuses_id_mapping_fails_create_naming_the_mount_and_leaves_nothing()
    {
        var id = host.NewId();
        var index = -1;
        var bundle = host.Bundle(c =>
        {
            InUserNamespace(c);
            index = c.Mounts!.Count;
            c.Mounts.Add(new Mount { Destination = "/data", Type = "bind", Source = "/proc/sys", Options = ["rbind", "idmap"] });
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"mounts[{index}] (/proc/sys on /data)", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("cannot be id-mapped", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
        // The detached copy lived in an anonymous mount namespace and the init's namespace died with it: nothing on the host.
        Assert.DoesNotContain(Hutch.Linux.Mounts.MountInfo.Read("/proc/self/mountinfo"),
            m => m.MountPoint.StartsWith(mapped.Path, StringComparison.Ordinal));
    }

    /// <summary>Mappings the kernel refuses as a user namespace's maps (overlapping ranges) fail create naming the mount.</summary>
    [ContainerFact]
    public void Overlapping_mount_mappings_fail_create_naming_the_mount()
    {
        var data = HostDirectory();
        var id = host.NewId();
        try
        {
            var index = -1;
            var bundle = host.Bundle(c =>
            {
                index = c.Mounts!.Count;
                c.Mounts.Add(new Mount
                {
                    Destination = "/data", Type = "bind", Source = data, Options = ["bind", "idmap"],
                    UidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 1000, Size = 10 }, new LinuxIdMapping { ContainerID = 5, HostID = 3000, Size = 10 }],
                    GidMappings = Map(0, 1000, 1),
                });
            });

            var outcome = host.Hutch("create", "--bundle", bundle, id);

            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains($"mounts[{index}].uidMappings/gidMappings: the kernel refused them", outcome.Stderr, StringComparison.Ordinal);
            Assert.Contains("ranges may not overlap", outcome.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
            Assert.False(host.AnyProcessHoldsRoot());
        }
        finally
        {
            Remove(data);
        }
    }

    [ContainerFact]
    public void An_id_mapping_on_a_tmpfs_mount_is_refused_naming_the_json_path()
    {
        var id = host.NewId();
        var index = -1;
        var bundle = host.Bundle(c =>
        {
            InUserNamespace(c);
            index = c.Mounts!.Count;
            c.Mounts.Add(new Mount { Destination = "/scratch", Type = "tmpfs", Source = "tmpfs", Options = ["idmap"] });
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"mounts[{index}].options: asks for an id-mapped mount (idmap/ridmap), which hutch makes of bind mounts only",
            outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    /// <summary>
    /// runc 1.1.5 (Debian 12) predates id-mapped mounts: it takes idmap for a filesystem option of
    /// the bind (which ignores it) and does not know mounts[].uidMappings, so it runs the same
    /// bundle without any mapping; hutch maps. Skipped without runc.
    /// </summary>
    [Runc11Fact]
    public void Runc_1_1_ignores_the_id_mapping_which_hutch_applies()
    {
        const string runc = Runc11FactAttribute.Runc;
        var data = HostDirectory("1000:2000");
        var runcRoot = Path.Combine("/tmp", "hutch-idm-runc-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var bundle = host.Bundle(c =>
            {
                c.Mounts!.Add(new Mount
                {
                    Destination = "/data", Type = "bind", Source = data, Options = ["bind", "idmap"],
                    UidMappings = Map(1000, 0, 1), GidMappings = Map(2000, 0, 1),
                });
                c.Process!.Args = ["sh", "-c", "stat -c %u:%g /data; grep -c idmapped /proc/self/mountinfo || true"];
            });

            var hutch = host.Hutch("run", "--bundle", bundle, host.NewId());
            var byRunc = RuncRun(runc, runcRoot, bundle);

            Assert.True(hutch.ExitCode == 0, hutch.ToString());
            Assert.Equal(["0:0", "1"], Lines(hutch));
            Assert.Equal("1000:2000\n0\n", byRunc);
        }
        finally
        {
            Remove(data);
            Remove(runcRoot);
        }
    }

    private static string RuncRun(string runc, string root, string bundle)
    {
        var start = new System.Diagnostics.ProcessStartInfo(runc) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = bundle };
        foreach (var arg in new[] { "--root", root, "run", Host.UniqueName("hutch-idm-r") })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException("runc run did not exit within 60 s");
        }
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"runc run: exit {process.ExitCode}: {error}");
    }
}

/// <summary>A container test beside runc 1.1 (Debian 12's 1.1.5): skipped without it, or with another runc.</summary>
public sealed class Runc11FactAttribute : FactAttribute
{
    public const string Runc = "/usr/sbin/runc";

    public Runc11FactAttribute()
    {
        Skip = ContainerRequirements.Missing()
               ?? (!File.Exists(Runc) ? "needs runc 1.1 at /usr/sbin/runc (Debian 12: apt-get install runc)"
                   : !ContainerHost.HostCommand(Runc, "--version").StartsWith("runc version 1.1.", StringComparison.Ordinal)
                       ? "records what runc 1.1 does; /usr/sbin/runc is another version"
                       : null);
    }
}
