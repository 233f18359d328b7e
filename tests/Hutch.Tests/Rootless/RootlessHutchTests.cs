using System.Text.Json.Nodes;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Rootless;

/// <summary>
/// hutch run by a real unprivileged user (RootlessUser), each case next to runc doing the same:
/// `spec --rootless` + `run`, the create/start/exec/ps/kill/delete lifecycle with the state in
/// $XDG_RUNTIME_DIR, limits refused without a cgroup the user may write, limits applied in a
/// cgroup delegated to the user, and netDevices and id-mapped mounts refused before anything is made.
/// </summary>
public sealed class RootlessHutchTests(RootlessUser user) : IClassFixture<RootlessUser>
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(20);

    private string[] Runtimes => [user.Hutch, "/usr/sbin/runc"];

    [RootlessFact]
    public void Spec_rootless_then_run_works_as_a_user_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var bundle = user.NewDirectory("spec");
            var spec = user.Run(bundle, runtime, "spec", "--rootless");
            Assert.True(spec.ExitCode == 0, $"{runtime}: {spec}");
            EditConfig(bundle, args: ["sh", "-c", "id -u; cat /proc/self/uid_map"]);

            var run = user.Run(bundle, runtime, "run", NewId());

            Assert.True(run.ExitCode == 0, $"{runtime}: {run}");
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("0", lines[0]);
            Assert.Equal(["0", user.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"],
                lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        // hutch kept its state in $XDG_RUNTIME_DIR/hutch (runc's rule: runc uses .../runc), private and sticky, and left nothing.
        var root = Path.Combine(user.RuntimeDir, "hutch");
        Assert.Equal("1700", ContainerHost.HostCommand("stat", "-c", "%a", root).Trim());
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [RootlessFact]
    public void Create_start_exec_ps_kill_delete_work_as_a_user_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var isHutch = runtime == user.Hutch;
            var bundle = user.NewDirectory("life");
            Assert.Equal(0, user.Run(bundle, runtime, "spec", "--rootless").ExitCode);
            EditConfig(bundle, args: ["sleep", "1000"]);
            var id = NewId();

            var create = user.Run(bundle, runtime, "create", id);
            Assert.True(create.ExitCode == 0, $"{runtime} create: {create}");
            Assert.Equal("created", Status(runtime, id));
            var start = user.Run(bundle, runtime, "start", id);
            Assert.True(start.ExitCode == 0, $"{runtime} start: {start}");
            Assert.Equal("running", Status(runtime, id));

            var exec = user.Run(bundle, runtime, "exec", id, "sh", "-c", "echo exec-ok; id -u");
            Assert.True(exec.ExitCode == 0, $"{runtime} exec: {exec}");
            Assert.Equal("exec-ok\n0\n", exec.Stdout);
            var detached = user.Run(bundle, runtime, "exec", "--detach", id, "sleep", "999");
            Assert.True(detached.ExitCode == 0, $"{runtime} exec --detach: {detached}");

            var ps = user.Run(bundle, runtime, "ps", "--format", "json", id);
            if (isHutch)
            {
                // No cgroup here (none is delegated): hutch finds the processes through the pid namespace.
                Assert.True(ps.ExitCode == 0, $"hutch ps: {ps}");
                var pids = JsonNode.Parse(ps.Stdout)!.AsArray().Select(pid => (int)pid!).ToList();
                Assert.Equal(2, pids.Count);
                Assert.Contains(InitPid(runtime, id), pids);
            }
            else
            {
                // runc 1.1 reads the pids from the cgroup only, which a rootless container here does not have.
                Assert.True(ps.ExitCode != 0 || ps.Stdout.Contains(InitPid(runtime, id).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), ps.ToString());
            }

            var list = user.Run(bundle, runtime, "list", "--quiet");
            Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
            var kill = user.Run(bundle, runtime, "kill", id, "KILL");
            Assert.True(kill.ExitCode == 0, $"{runtime} kill: {kill}");
            WaitForStatus(runtime, id, "stopped");
            var delete = user.Run(bundle, runtime, "delete", id);
            Assert.True(delete.ExitCode == 0, $"{runtime} delete: {delete}");
            Assert.DoesNotContain(id, user.Run(bundle, runtime, "list", "--quiet").Stdout, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(user.RuntimeDir, isHutch ? "hutch" : "runc", id)));
        }
    }

    [RootlessFact]
    public void A_limit_without_a_cgroup_the_user_may_write_is_refused_as_with_runc()
    {
        foreach (var runtime in Runtimes)
        {
            var bundle = user.NewDirectory("limit");
            Assert.Equal(0, user.Run(bundle, runtime, "spec", "--rootless").ExitCode);
            EditConfig(bundle, args: ["true"], edit: config => config["linux"]!["resources"] = JsonNode.Parse("""{"pids":{"limit":32}}"""));
            var id = NewId();

            var run = user.Run(bundle, runtime, "run", id);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains(runtime == user.Hutch
                ? "linux.resources.pids.limit: `32` cannot be applied: rootless hutch could not create or join the container's pids cgroup"
                : "cannot set pids limit: container could not join or create cgroup", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(id, user.Run(bundle, runtime, "list", "--quiet").Stdout, StringComparison.Ordinal);
        }
    }

    [RootlessFact]
    public void A_config_mapping_the_users_subordinate_ids_runs_through_newuidmap_as_with_runc()
    {
        var (uidStart, _) = user.SubordinateRange(gids: false);
        var (gidStart, _) = user.SubordinateRange(gids: true);
        foreach (var runtime in Runtimes)
        {
            var bundle = user.NewDirectory("subids");
            Assert.Equal(0, user.Run(bundle, runtime, "spec", "--rootless").ExitCode);
            EditConfig(bundle, args: ["cat", "/proc/self/uid_map", "/proc/self/gid_map"],
                edit: config =>
                {
                    config["linux"]!["uidMappings"]!.AsArray().Add(JsonNode.Parse($$"""{"containerID":1,"hostID":{{uidStart}},"size":65536}"""));
                    config["linux"]!["gidMappings"]!.AsArray().Add(JsonNode.Parse($$"""{"containerID":1,"hostID":{{gidStart}},"size":65536}"""));
                });

            var run = user.Run(bundle, runtime, "run", NewId());

            Assert.True(run.ExitCode == 0, $"{runtime}: {run}");
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
            Assert.Equal([$"0 {user.Uid} 1", $"1 {uidStart} 65536", $"0 {user.Gid} 1", $"1 {gidStart} 65536"], lines);
        }
    }

    [RootlessFact]
    public void NetDevices_are_refused_before_anything_is_made()
    {
        var bundle = user.NewDirectory("netdev");
        Assert.Equal(0, user.Run(bundle, user.Hutch, "spec", "--rootless").ExitCode);
        EditConfig(bundle, args: ["true"], edit: config =>
        {
            config["linux"]!["namespaces"]!.AsArray().Add(JsonNode.Parse("""{"type":"network"}"""));
            config["linux"]!["netDevices"] = JsonNode.Parse("""{"hrl-nodev0":{"name":"eth1"}}""");
        });
        var id = NewId();

        var run = user.Run(bundle, user.Hutch, "run", id);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("linux.netDevices (`hrl-nodev0`): rootless hutch cannot move host network devices", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("needs CAP_NET_ADMIN over that namespace", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(user.RuntimeDir, "hutch", id)));
    }

    /// <summary>
    /// MOUNT_ATTR_IDMAP on a host filesystem needs CAP_SYS_ADMIN in the host's user namespace: an
    /// id-mapped mount is refused, naming it, before anything is made (runc 1.2 refuses it too).
    /// </summary>
    [RootlessFact]
    public void Id_mapped_mounts_are_refused_before_anything_is_made()
    {
        var bundle = user.NewDirectory("idmap");
        Assert.Equal(0, user.Run(bundle, user.Hutch, "spec", "--rootless").ExitCode);
        var index = -1;
        EditConfig(bundle, args: ["true"], edit: config =>
        {
            var mounts = config["mounts"]!.AsArray();
            index = mounts.Count;
            mounts.Add((JsonNode)new JsonObject
            {
                ["destination"] = "/data",
                ["type"] = "bind",
                ["source"] = bundle,
                ["options"] = new JsonArray("rbind", "idmap"),
            });
        });
        var id = NewId();

        var run = user.Run(bundle, user.Hutch, "run", id);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"mounts[{index}]: rootless hutch cannot make id-mapped mounts", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(user.RuntimeDir, "hutch", id)));
    }

    [RootlessFact]
    public void A_cgroup_delegated_to_the_user_gets_the_limits_and_skips_device_rules_as_with_runc()
    {
        // The delegation root makes for a user (what systemd's Delegate=yes does on cgroup v2):
        // a directory it owns in every hierarchy, the runtime started inside it.
        var name = "hutch-rl-" + Guid.NewGuid().ToString("N")[..8];
        var mounts = CgroupMounts();
        var runtimeDirs = new List<string>();
        try
        {
            foreach (var mount in mounts)
            {
                var delegated = Path.Combine(mount, name);
                var runtimeDir = Path.Combine(delegated, "runtime");
                Directory.CreateDirectory(runtimeDir);
                CopyCpuset(mount, delegated);
                CopyCpuset(delegated, runtimeDir);
                ContainerHost.HostCommand("chown", "-R", $"{user.Uid}:{user.Gid}", delegated);
                runtimeDirs.Add(runtimeDir);
            }
            foreach (var runtime in Runtimes)
            {
                var bundle = user.NewDirectory("deleg");
                Assert.Equal(0, user.Run(bundle, runtime, "spec", "--rootless").ExitCode);
                EditConfig(bundle,
                    args: ["sh", "-c", "grep -E ':(pids|memory):|^0::' /proc/self/cgroup; " +
                        "echo pids.max $(cat /sys/fs/cgroup/pids/pids.max); echo memory.limit $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); " +
                        "echo null-ok >/dev/null && echo devices-ok"],
                    edit: config => config["linux"]!["resources"] = JsonNode.Parse("""{"pids":{"limit":32},"memory":{"limit":67108864}}"""));
                var id = NewId();

                var run = user.RunInCgroups(runtimeDirs, bundle, runtime, "run", id);

                Assert.True(run.ExitCode == 0, $"{runtime}: {run}");
                // The container's own cgroup is what it sees at /sys/fs/cgroup/CONTROLLER (the cgroup mount of the spec).
                Assert.True(run.Stdout.Contains($":pids:/{name}/runtime/{id}\n", StringComparison.Ordinal), $"{runtime}: {run}");
                Assert.True(run.Stdout.Contains($":memory:/{name}/runtime/{id}\n", StringComparison.Ordinal), $"{runtime}: {run}");
                Assert.True(run.Stdout.Contains("pids.max 32\n", StringComparison.Ordinal), $"{runtime}: {run}");
                Assert.True(run.Stdout.Contains("memory.limit 67108864\n", StringComparison.Ordinal), $"{runtime}: {run}");
                Assert.True(run.Stdout.Contains("devices-ok", StringComparison.Ordinal), $"{runtime}: {run}");
                if (runtime == user.Hutch)
                {
                    // cgroup2 too (hybrid here: the unified hierarchy holds the container as well).
                    Assert.True(run.Stdout.Contains($"0::/{name}/runtime/{id}\n", StringComparison.Ordinal), $"{runtime}: {run}");
                }
                foreach (var dir in runtimeDirs)
                {
                    Assert.False(Directory.Exists(Path.Combine(dir, id)), $"{runtime} left {Path.Combine(dir, id)}");
                }
            }
        }
        finally
        {
            foreach (var mount in mounts)
            {
                RemoveCgroupTree(Path.Combine(mount, name));
            }
        }
    }

    private static string NewId() => "rl-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Edits config.json as a user would with jq: the process's args, no terminal, root.path to the user's rootfs.</summary>
    private void EditConfig(string bundle, string[] args, Action<JsonNode>? edit = null)
    {
        var path = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        config["process"]!["terminal"] = false;
        config["root"]!["path"] = user.Rootfs;
        edit?.Invoke(config);
        File.WriteAllText(path, config.ToJsonString()); // the file stays the user's (rewritten in place)
    }

    private string Status(string runtime, string id)
    {
        var state = user.Run(null, runtime, "state", id);
        Assert.True(state.ExitCode == 0, $"{runtime} state: {state}");
        return (string)JsonNode.Parse(state.Stdout)!["status"]!;
    }

    private int InitPid(string runtime, string id) => (int)JsonNode.Parse(user.Run(null, runtime, "state", id).Stdout)!["pid"]!;

    private void WaitForStatus(string runtime, string id, string wanted)
    {
        var deadline = DateTime.UtcNow + StopDeadline;
        string status;
        while ((status = Status(runtime, id)) != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{runtime}: container {id} is still {status} after {StopDeadline.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }

    /// <summary>The mount points of every cgroup hierarchy with controllers (v1) and of cgroup2.</summary>
    private static List<string> CgroupMounts() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(" - ", 2))
            .Where(parts => parts[1].StartsWith("cgroup2 ", StringComparison.Ordinal)
                || (parts[1].StartsWith("cgroup ", StringComparison.Ordinal) && !parts[1].Contains("name=", StringComparison.Ordinal)))
            .Select(parts => parts[0].Split(' ')[4])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>A new v1 cpuset takes no task until it has cpus and mems: give it its parent's.</summary>
    private static void CopyCpuset(string parent, string child)
    {
        foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            if (File.Exists(Path.Combine(child, file)) && File.ReadAllText(Path.Combine(child, file)).Trim().Length == 0)
            {
                File.WriteAllText(Path.Combine(child, file), File.ReadAllText(Path.Combine(parent, file)).Trim());
            }
        }
    }

    private static void RemoveCgroupTree(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var child in Directory.GetDirectories(dir))
        {
            RemoveCgroupTree(child);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20); // processes that just exited leave asynchronously (EBUSY)
            }
        }
    }
}
