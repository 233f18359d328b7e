using System.Globalization;
using System.Text.Json.Nodes;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// The container's cgroup through bin/hutch on this VM's real hierarchies: placement, limits
/// enforced inside, pause/resume, ps, kill --all, update, and nothing left after delete or a
/// failed create.
/// </summary>
public sealed class CgroupTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private const string V1Root = "/sys/fs/cgroup";

    private static string V1(string controller, string cgroupsPath, string file = "") =>
        Path.Combine(V1Root, controller, cgroupsPath.TrimStart('/'), file);

    private static string Read(string path) => File.ReadAllText(path).Trim();

    private static string UniquePath(string id) => "/hutch-it/" + id;

    [ContainerFact]
    public void Create_places_the_init_in_every_hierarchy_and_delete_removes_the_cgroup()
    {
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.CgroupsPath = cgroupsPath;
            c.Linux.Resources = new LinuxResources
            {
                Pids = new LinuxPids { Limit = 50 },
                Memory = new LinuxMemory { Limit = 64L << 20 },
                Cpu = new LinuxCpu { Shares = 512 },
            };
        });
        try
        {
            Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);
            var pid = Pid(id);
            foreach (var controller in new[] { "pids", "memory", "cpu", "freezer", "devices", "blkio", "cpuset", "cpuacct" })
            {
                Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(V1(controller, cgroupsPath, "cgroup.procs")));
            }
            Assert.Contains(pid.ToString(CultureInfo.InvariantCulture),
                File.ReadAllLines(Path.Combine(V1Root, "unified", cgroupsPath.TrimStart('/'), "cgroup.procs")));
            Assert.Equal("50", Read(V1("pids", cgroupsPath, "pids.max")));
            Assert.Equal((64L << 20).ToString(CultureInfo.InvariantCulture), Read(V1("memory", cgroupsPath, "memory.limit_in_bytes")));
            Assert.Equal("512", Read(V1("cpu", cgroupsPath, "cpu.shares")));

            Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
            foreach (var controller in new[] { "pids", "memory", "cpu", "freezer", "devices", "blkio", "cpuset", "cpuacct", "unified" })
            {
                Assert.False(Directory.Exists(V1(controller, cgroupsPath)), $"{controller}: the cgroup is removed");
            }
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    [ContainerFact]
    public void A_pids_limit_refuses_forks_past_it_inside()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sh", "-c", "i=0; while [ $i -lt 12 ]; do sleep 5 & i=$((i+1)); done; echo forked"];
            c.Linux!.Resources = new LinuxResources { Pids = new LinuxPids { Limit = 4 } };
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Contains("can't fork", outcome.Stderr, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void A_memory_limit_brings_the_oom_killer()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            // The shell keeps the whole 256 MiB substitution in memory: far over 32 MiB.
            c.Process!.Args = ["sh", "-c", "x=$(head -c 268435456 /dev/zero | tr '\\0' a); echo survived"];
            c.Linux!.Resources = new LinuxResources { Memory = new LinuxMemory { Limit = 32L << 20, Swap = 32L << 20 } };
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.DoesNotContain("survived", outcome.Stdout, StringComparison.Ordinal);
        Assert.Equal(128 + 9, outcome.ExitCode);
    }

    [ContainerFact]
    public void Events_reports_stats_and_an_oom_kill_then_ends_with_the_container()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            // A child shell is OOM-killed; the init goes on, then exits, which ends the stream.
            c.Process!.Args = ["sh", "-c", "sleep 1; sh -c 'x=$(head -c 268435456 /dev/zero | tr \"\\0\" a)'; sleep 2"];
            c.Linux!.Resources = new LinuxResources { Memory = new LinuxMemory { Limit = 32L << 20, Swap = 32L << 20 }, Pids = new LinuxPids { Limit = 40 } };
        });
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var once = host.Hutch("events", "--stats", id);
            Assert.True(once.ExitCode == 0, once.ToString());
            var stats = JsonNode.Parse(once.Stdout)!;
            Assert.Equal("stats", (string?)stats["type"]);
            Assert.True((long)stats["data"]!["pids"]!["current"]! >= 1, once.Stdout);
            Assert.Equal(40, (long)stats["data"]!["pids"]!["limit"]!);
            Assert.True((long)stats["data"]!["memory"]!["usage"]!["usage"]! > 0, once.Stdout);

            var stream = host.Hutch("events", "--interval", "500ms", id);

            Assert.True(stream.ExitCode == 0, stream.ToString());
            var events = stream.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
            Assert.Contains(events, e => (string?)e["type"] == "oom" && (string?)e["id"] == id);
            Assert.Contains(events, e => (string?)e["type"] == "stats");
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    [ContainerFact]
    public void Pause_and_resume_freeze_and_thaw_and_state_says_so()
    {
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.CgroupsPath = cgroupsPath;
        });
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var paused = host.Hutch("pause", id);
            Assert.True(paused.ExitCode == 0, paused.ToString());
            Assert.Equal("paused", Status(id));
            Assert.Equal("FROZEN", Read(V1("freezer", cgroupsPath, "freezer.state")));
            var again = host.Hutch("pause", id);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("container not running", again.Stderr, StringComparison.Ordinal);

            Assert.Equal(0, host.Hutch("resume", id).ExitCode);
            Assert.Equal("running", Status(id));
            Assert.Equal("THAWED", Read(V1("freezer", cgroupsPath, "freezer.state")));
            var notPaused = host.Hutch("resume", id);
            Assert.Equal(1, notPaused.ExitCode);
            Assert.Contains("container not paused", notPaused.Stderr, StringComparison.Ordinal);

            // kill KILL of a paused container thaws it so that the signal lands (containerd's task kill).
            Assert.Equal(0, host.Hutch("pause", id).ExitCode);
            var pid = Pid(id);
            Assert.Equal(0, host.Hutch("kill", id, "KILL").ExitCode);
            Assert.True(WaitGone(pid), "the paused init died of SIGKILL");
            Assert.Equal("stopped", Status(id));
            Assert.Equal(0, host.Hutch("delete", id).ExitCode);
            Assert.False(Directory.Exists(V1("freezer", cgroupsPath)));
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    [ContainerFact]
    public void Delete_force_of_a_paused_container_thaws_it_so_that_SIGKILL_lands()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
        var pid = Pid(id);
        Assert.Equal(0, host.Hutch("pause", id).ExitCode);

        var delete = host.Hutch("delete", "--force", id);

        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.True(WaitGone(pid), "the paused init died");
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Delete_of_a_container_with_a_pid_namespace_never_kills_other_processes_of_its_cgroup()
    {
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.CgroupsPath = cgroupsPath;
        });
        using var stranger = System.Diagnostics.Process.Start("/bin/sleep", "30");
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            // Someone else's process in the same cgroup (a cgroupsPath shared by mistake).
            File.WriteAllText(V1("pids", cgroupsPath, "cgroup.procs"), stranger.Id.ToString(CultureInfo.InvariantCulture));

            var delete = host.Hutch("delete", "--force", id);

            Assert.False(stranger.HasExited, "the other process in the cgroup was not killed");
            Assert.Equal(1, delete.ExitCode);
            Assert.Contains(stranger.Id.ToString(CultureInfo.InvariantCulture), delete.Stderr, StringComparison.Ordinal);
            stranger.Kill();
            stranger.WaitForExit();
            Assert.True(WaitGone(stranger.Id));
            var again = host.Hutch("delete", "--force", id);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.False(Directory.Exists(V1("pids", cgroupsPath)));
        }
        finally
        {
            if (!stranger.HasExited)
            {
                stranger.Kill();
            }
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    [ContainerFact]
    public void Kill_all_KILL_of_a_paused_container_ends_it()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var pid = Pid(id);
            Assert.Equal(0, host.Hutch("pause", id).ExitCode);

            var kill = host.Hutch("kill", "--all", id, "KILL");

            // cgroup.kill (cgroup2) does not thaw the v1 freezer of a hybrid host: hutch thaws it.
            Assert.True(kill.ExitCode == 0, kill.ToString());
            Assert.True(WaitGone(pid), "the paused init died of SIGKILL");
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    [ContainerFact]
    public void Ps_lists_the_pids_of_the_cgroup_and_kill_all_signals_every_one()
    {
        var id = host.NewId();
        // No pid namespace: killing the init alone would leave the background sleep running.
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sh", "-c", "sleep 31 & sleep 32; echo done"]; // three processes: the echo keeps sh from exec'ing sleep
            c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "pid")];
        });
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var pids = WaitForPids(id, 3);
            Assert.Contains(Pid(id), pids);

            var table = host.Hutch("ps", id);
            Assert.True(table.ExitCode == 0, table.ToString());
            Assert.StartsWith("UID", table.Stdout, StringComparison.Ordinal);
            Assert.Contains("sleep 31", table.Stdout, StringComparison.Ordinal);
            Assert.Contains("sleep 32", table.Stdout, StringComparison.Ordinal);

            Assert.Equal(0, host.Hutch("kill", "--all", id, "KILL").ExitCode);
            foreach (var pid in pids)
            {
                Assert.True(WaitGone(pid), $"pid {pid} ended");
            }
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    [ContainerFact]
    public void Exec_puts_the_process_in_the_container_cgroup()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var initCgroups = File.ReadAllText($"/proc/{Pid(id)}/cgroup");

            var exec = host.Hutch("exec", id, "cat", "/proc/self/cgroup");

            Assert.True(exec.ExitCode == 0, exec.ToString());
            Assert.Equal(initCgroups, exec.Stdout);
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    [ContainerFact]
    public void Update_changes_limits_from_flags_and_from_a_resources_file_and_keeps_them()
    {
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.CgroupsPath = cgroupsPath;
            c.Linux.Resources = new LinuxResources { Pids = new LinuxPids { Limit = 20 }, Memory = new LinuxMemory { Limit = 64L << 20 } };
        });
        try
        {
            Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
            var flags = host.Hutch("update", "--pids-limit", "30", "--memory", "96m", id);
            Assert.True(flags.ExitCode == 0, flags.ToString());
            Assert.Equal("30", Read(V1("pids", cgroupsPath, "pids.max")));
            Assert.Equal((96L << 20).ToString(CultureInfo.InvariantCulture), Read(V1("memory", cgroupsPath, "memory.limit_in_bytes")));

            var file = Path.Combine(bundle, "resources.json");
            File.WriteAllText(file, """{"pids":{"limit":-1},"cpu":{"shares":256}}""");
            var fromFile = host.Hutch("update", "--resources", file, id);
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
            Assert.Equal("max", Read(V1("pids", cgroupsPath, "pids.max")));
            Assert.Equal("256", Read(V1("cpu", cgroupsPath, "cpu.shares")));
            // The memory limit of the first update is kept (merged, not replaced).
            Assert.Equal((96L << 20).ToString(CultureInfo.InvariantCulture), Read(V1("memory", cgroupsPath, "memory.limit_in_bytes")));

            var bad = host.Hutch("update", "--memory", "lots", id);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("--memory \"lots\"", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    [ContainerFact]
    public void A_resource_the_kernel_refuses_fails_create_and_leaves_no_cgroup()
    {
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Linux!.CgroupsPath = cgroupsPath;
            // CPU 4095 does not exist on this VM: the kernel refuses cpuset.cpus.
            c.Linux.Resources = new LinuxResources { Cpu = new LinuxCpu { Cpus = "4095" } };
        });
        try
        {
            var outcome = host.Hutch("create", "--bundle", bundle, id);

            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains("cpuset.cpus", outcome.Stderr, StringComparison.Ordinal);
            Assert.Contains("4095", outcome.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
            foreach (var controller in new[] { "pids", "memory", "cpu", "freezer", "devices", "blkio", "cpuset", "cpuacct", "unified" })
            {
                Assert.False(Directory.Exists(V1(controller, cgroupsPath)), $"{controller}: no cgroup is left");
            }
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    [ContainerFact]
    public void A_resource_this_host_cannot_apply_is_refused_before_anything_is_made()
    {
        // This VM has no net_cls hierarchy (and cgroup2 has no such controller): network.classID cannot be applied.
        Assert.False(Directory.Exists(Path.Combine(V1Root, "net_cls")) || Directory.Exists(Path.Combine(V1Root, "net_cls,net_prio")),
            "this test needs a host without a net_cls hierarchy, as this VM is");
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Linux!.Resources = new LinuxResources { Network = new LinuxNetwork { ClassID = 0x100001 } });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.resources.network", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }

    [ContainerFact]
    public void A_cgroup_namespace_is_rooted_at_the_container_cgroup()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["cat", "/proc/self/cgroup"];
            c.Linux!.CgroupsPath = UniquePath(id);
            c.Linux.Namespaces = [.. c.Linux.Namespaces!, new LinuxNamespace { Type = "cgroup" }];
        });
        try
        {
            var outcome = host.Hutch("run", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.EndsWith(":/", line, StringComparison.Ordinal));
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(UniquePath(id));
        }
    }

    [ContainerTheory(NeedsSystemdHierarchy = true)]
    [InlineData(false)]
    [InlineData(true)]
    public void The_named_systemd_hierarchy_is_joined_at_the_container_path_and_mounted_there(bool cgroupNamespace)
    {
        // As runc and crun do: the init joins name=systemd at its cgroups path, and the container's
        // /sys/fs/cgroup/systemd shows that cgroup (a bind mount of it, or a fresh mount rooted at
        // the cgroup namespace), never the host's root of the hierarchy.
        var id = host.NewId();
        var cgroupsPath = UniquePath(id);
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Linux!.CgroupsPath = cgroupsPath;
            if (cgroupNamespace)
            {
                c.Linux.Namespaces = [.. c.Linux.Namespaces!, new LinuxNamespace { Type = "cgroup" }];
            }
        });
        try
        {
            var created = host.Hutch("create", "--bundle", bundle, id);
            Assert.True(created.ExitCode == 0, created.ToString());
            var pid = Pid(id);
            var dir = V1("systemd", cgroupsPath);
            Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(dir, "cgroup.procs")));
            Assert.Contains(File.ReadAllLines($"/proc/{pid}/cgroup"), line => line.EndsWith(":name=systemd:" + cgroupsPath, StringComparison.Ordinal));
            // Read from the host's cgroup namespace, a cgroup mount's root is the cgroup it shows.
            var mount = Assert.Single(
                Hutch.Linux.Mounts.MountInfo.Parse(File.ReadAllText($"/proc/{pid}/mountinfo")),
                m => m.MountPoint == "/sys/fs/cgroup/systemd");
            Assert.Equal(cgroupsPath, mount.Root);

            Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
            Assert.False(Directory.Exists(dir), "delete removes the container's name=systemd cgroup");
        }
        finally
        {
            host.Hutch("delete", "--force", id);
            RemoveParents(cgroupsPath);
        }
    }

    private int Pid(string id) => (int)JsonNode.Parse(host.Hutch("state", id).Stdout)!["pid"]!;

    private string? Status(string id) => (string?)JsonNode.Parse(host.Hutch("state", id).Stdout)!["status"];

    private List<int> WaitForPids(string id, int count)
    {
        var pids = new List<int>();
        for (var i = 0; i < 100 && pids.Count < count; i++)
        {
            var outcome = host.Hutch("ps", "--format", "json", id);
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            pids = JsonNode.Parse(outcome.Stdout)!.AsArray().Select(n => (int)n!).ToList();
            if (pids.Count < count)
            {
                Thread.Sleep(50);
            }
        }
        Assert.True(pids.Count >= count, $"ps shows {pids.Count} pids, expected {count}");
        return pids;
    }

    private static bool WaitGone(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            if (!File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal))
            {
                return true;
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>
    /// The leaf (if a failed test left it) and the /hutch-it parent: delete removes the container's
    /// own directories and leaves the parents create made with mkdir -p, as runc does. The parent
    /// goes once no other test's cgroup is in it (rmdir of a non-empty cgroup fails: kept).
    /// </summary>
    private static void RemoveParents(string cgroupsPath)
    {
        foreach (var controller in new[] { "pids", "memory", "cpu", "freezer", "devices", "blkio", "cpuset", "cpuacct", "unified", "systemd" })
        {
            foreach (var dir in new[] { V1(controller, cgroupsPath), Path.GetDirectoryName(V1(controller, cgroupsPath))! })
            {
                try
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir);
                    }
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
