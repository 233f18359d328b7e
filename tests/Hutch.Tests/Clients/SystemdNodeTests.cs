using Hutch.Spec;
using Xunit.Abstractions;

namespace Hutch.Tests.Clients;

/// <summary>
/// The systemd cgroup driver for real, inside the systemd node (systemd 252, cgroup v1 "legacy"
/// mode with a cgroup2 tracking hierarchy): `hutch --systemd-cgroup` side by side with
/// `runc --systemd-cgroup` from Debian (the same bundle, the same scope properties and cgroup
/// files), the lifecycle commands on the scope, a failed create, podman with
/// cgroup_manager = "systemd" and containerd's runc shim with SystemdCgroup and hutch as its binary.
/// </summary>
[Collection(SystemdNodeCollection.Name)]
public sealed class SystemdNodeTests(SystemdNode node, ITestOutputHelper output)
{
    private const long MemoryLimit = 64L << 20;

    /// <summary>The properties and files compared between runc and hutch.</summary>
    private const string ShowProperties = "-p Slice -p Delegate -p MemoryLimit -p CPUShares -p CPUQuotaPerSecUSec -p TasksMax -p DevicePolicy -p TimeoutStopUSec -p ActiveState";

    private static void Limits(ContainerConfig config)
    {
        config.Linux!.Resources = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = MemoryLimit },
            Cpu = new LinuxCpu { Shares = 512, Quota = 50_000, Period = 100_000 },
            Pids = new LinuxPids { Limit = 42 },
        };
        config.Annotations = new Dictionary<string, string> { ["org.systemd.property.TimeoutStopSec"] = "17" };
    }

    private static string Id(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>`systemctl show` of the unit, the limits in its cgroup files, and the init's /proc/PID/cgroup.</summary>
    private string Scope(string runtime, string id, string unit) => node.Check($"""
        systemctl show {unit} {ShowProperties}
        d=system.slice/{unit}
        echo memory.limit_in_bytes=$(cat /sys/fs/cgroup/memory/$d/memory.limit_in_bytes)
        echo cpu.shares=$(cat /sys/fs/cgroup/cpu/$d/cpu.shares)
        echo cpu.cfs_quota_us=$(cat /sys/fs/cgroup/cpu/$d/cpu.cfs_quota_us)
        echo pids.max=$(cat /sys/fs/cgroup/pids/$d/pids.max)
        echo freezer=$(test -d /sys/fs/cgroup/freezer/$d && echo present)
        pid=$({runtime} state {id} | sed -n 's/^ *"pid": *\([0-9]*\).*/\1/p')
        grep -E ':(memory|pids|freezer|name=systemd):' /proc/$pid/cgroup | sed 's/^[0-9]*://' | sort
        """);

    [SystemdNodeFact]
    public void Hutch_and_runc_put_the_container_in_a_scope_with_the_same_limits()
    {
        var results = new Dictionary<string, string>();
        foreach (var runtime in new[] { "runc", "hutch" })
        {
            var id = Id(runtime);
            var unit = $"runc-{id}.scope";
            var bundle = node.Bundle(id, Limits);
            try
            {
                node.Check($"cd {bundle} && {runtime} --systemd-cgroup run --detach {id} </dev/null >/dev/null 2>&1");
                var status = node.Check($"systemctl status {unit} --no-pager | head -n 8");
                var scope = Scope(runtime, id, unit);
                output.WriteLine($"== {runtime} --systemd-cgroup run -d {id}\n{status}\n{scope}");
                Assert.Contains("Active: active (running)", status, StringComparison.Ordinal);
                Assert.Contains("Memory: ", status, StringComparison.Ordinal);
                Assert.Contains("limit: 64.0M", status, StringComparison.Ordinal);
                Assert.Contains("Tasks: 1 (limit: 42)", status, StringComparison.Ordinal);
                results[runtime] = scope.Replace(id, "ID", StringComparison.Ordinal);

                node.Check($"{runtime} --systemd-cgroup kill {id} KILL; for i in $(seq 100); do {runtime} state {id} | grep -q '\"stopped\"' && break; sleep 0.1; done; {runtime} --systemd-cgroup delete {id}");
                Assert.NotEqual(0, node.Sh($"systemctl is-active {unit}").ExitCode);
                Assert.NotEqual(0, node.Sh($"ls -d /sys/fs/cgroup/*/system.slice/{unit}").ExitCode);
            }
            finally
            {
                node.Sh($"{runtime} --systemd-cgroup delete --force {id}; systemctl stop {unit}; rm -rf {bundle}");
            }
        }
        var hutch = results["hutch"];
        Assert.Equal(results["runc"], hutch);
        foreach (var expected in new[]
        {
            "Slice=system.slice", "Delegate=yes", $"MemoryLimit={MemoryLimit}", "CPUShares=512", "CPUQuotaPerSecUSec=500ms",
            "TasksMax=42", "DevicePolicy=strict", "TimeoutStopUSec=17s", "ActiveState=active",
            $"memory.limit_in_bytes={MemoryLimit}", "cpu.shares=512", "cpu.cfs_quota_us=50000", "pids.max=42", "freezer=present",
            "memory:/system.slice/runc-ID.scope", "pids:/system.slice/runc-ID.scope", "freezer:/system.slice/runc-ID.scope",
            "name=systemd:/system.slice/runc-ID.scope",
        })
        {
            Assert.Contains(expected, hutch, StringComparison.Ordinal);
        }
    }

    [SystemdNodeFact]
    public void Pause_resume_update_ps_exec_events_and_kill_all_work_on_the_scope()
    {
        var id = Id("life");
        var unit = $"lab-{id}.scope";
        var bundle = node.Bundle(id, c =>
        {
            Limits(c);
            c.Linux!.CgroupsPath = $"system.slice:lab:{id}";
        });
        var dir = $"system.slice/{unit}";
        try
        {
            node.Check($"cd {bundle} && hutch --systemd-cgroup run --detach {id} </dev/null >/dev/null 2>&1");

            node.Check($"hutch --systemd-cgroup pause {id}");
            Assert.Contains("\"paused\"", node.Check($"hutch state {id}"), StringComparison.Ordinal);
            Assert.Equal("FROZEN", node.Check($"cat /sys/fs/cgroup/freezer/{dir}/freezer.state").Trim());
            node.Check($"hutch --systemd-cgroup resume {id}");
            Assert.Equal("THAWED", node.Check($"cat /sys/fs/cgroup/freezer/{dir}/freezer.state").Trim());

            node.Check($"hutch --systemd-cgroup update --memory 100663296 --pids-limit 50 {id}");
            var updated = node.Check($"systemctl show {unit} -p MemoryLimit -p TasksMax; cat /sys/fs/cgroup/memory/{dir}/memory.limit_in_bytes /sys/fs/cgroup/pids/{dir}/pids.max");
            output.WriteLine($"== after hutch update --memory 100663296 --pids-limit 50\n{updated}");
            Assert.Equal("MemoryLimit=100663296\nTasksMax=50\n100663296\n50\n", updated);

            var ps = node.Check($"hutch --systemd-cgroup ps {id}");
            Assert.Contains("sleep 100000", ps, StringComparison.Ordinal);
            var execCgroup = node.Check($"hutch --systemd-cgroup exec {id} cat /proc/self/cgroup");
            Assert.Contains($"memory:/{dir}", execCgroup, StringComparison.Ordinal);
            var stats = node.Check($"hutch --systemd-cgroup events --stats {id}");
            Assert.Contains("\"limit\":100663296", stats, StringComparison.Ordinal);

            node.Check($"hutch --systemd-cgroup exec --detach {id} sleep 100001");
            node.Check($"hutch --systemd-cgroup kill --all {id} KILL; for i in $(seq 100); do hutch state {id} | grep -q '\"stopped\"' && break; sleep 0.1; done");
            Assert.Contains("\"stopped\"", node.Check($"hutch state {id}"), StringComparison.Ordinal);
            node.Check($"hutch --systemd-cgroup delete {id}");
            Assert.NotEqual(0, node.Sh($"systemctl is-active {unit}").ExitCode);
            Assert.NotEqual(0, node.Sh($"ls -d /sys/fs/cgroup/*/{dir}").ExitCode);
        }
        finally
        {
            node.Sh($"hutch --systemd-cgroup delete --force {id}; systemctl stop {unit}; rm -rf {bundle}");
        }
    }

    [SystemdNodeFact]
    public void A_failed_create_stops_the_unit_and_leaves_nothing()
    {
        var id = Id("fail");
        var unit = $"runc-{id}.scope";
        var bundle = node.Bundle(id, c => c.Mounts!.Add(new Mount { Destination = "/x", Type = "bind", Source = "/nonexistent", Options = ["bind"] }));
        try
        {
            var create = node.Sh($"cd {bundle} && hutch --systemd-cgroup create {id}");

            Assert.Equal(1, create.ExitCode);
            Assert.Contains("/nonexistent", create.Stderr, StringComparison.Ordinal);
            // systemd started the unit with the init in it (the journal says so), and create stopped it.
            Assert.Contains($"Started {unit}", node.Check($"journalctl --no-pager -u {unit}"), StringComparison.Ordinal);
            Assert.NotEqual(0, node.Sh($"systemctl is-active {unit}").ExitCode);
            Assert.NotEqual(0, node.Sh($"ls -d /sys/fs/cgroup/*/system.slice/{unit}").ExitCode);
            Assert.DoesNotContain(id, node.Check("hutch list -q"), StringComparison.Ordinal);
        }
        finally
        {
            node.Sh($"hutch delete --force {id}; systemctl stop {unit}; rm -rf {bundle}");
        }
    }

    /// <summary>
    /// A create whose unit name is taken by a live unit (here a scope holding a sleep) fails, and
    /// its cleanup leaves that unit and its process alone: only a unit the create started is stopped.
    /// </summary>
    [SystemdNodeFact]
    public void A_create_whose_unit_name_is_taken_leaves_the_other_unit_running()
    {
        var id = Id("taken");
        var unit = $"runc-{id}.scope";
        var bundle = node.Bundle(id);
        try
        {
            node.Check($"systemd-run --quiet --unit=runc-{id} --scope -- sleep 1000 </dev/null >/dev/null 2>&1 &\n" +
                $"end=$(( $(date +%s) + 60 )); until systemctl is-active -q {unit}; do [ $(date +%s) -lt $end ] || exit 1; sleep 0.05; done");

            var create = node.Sh($"cd {bundle} && hutch --systemd-cgroup create {id}");

            Assert.Equal(1, create.ExitCode);
            Assert.Contains(unit, create.Stderr, StringComparison.Ordinal);
            Assert.True(node.Sh($"systemctl is-active {unit}").ExitCode == 0, $"the other {unit} was stopped: {create}");
            Assert.Contains("sleep 1000", node.Check($"systemctl status --no-pager {unit} || true"), StringComparison.Ordinal);
            Assert.DoesNotContain(id, node.Check("hutch list -q"), StringComparison.Ordinal);
        }
        finally
        {
            node.Sh($"hutch delete --force {id}; systemctl stop {unit}; rm -rf {bundle}");
        }
    }

    /// <summary>
    /// A create under --systemd-cgroup killed (SIGKILL) at its steps: before the unit is started
    /// (cgroup-made, init-spawned), with the unit started and the init held in it (released,
    /// ready: the init dies with the create and systemd collects the empty scope, hutch's own
    /// directories stay for delete), and once the init outlives the create (committing: the unit
    /// is still active, only the journal's undo stops it; committed). `list` shows the container,
    /// and `delete --force` leaves no unit, no cgroup directory in any hierarchy, no process and no
    /// state (crash-safe create's systemd-unit entries).
    /// </summary>
    [SystemdNodeFact]
    public void A_create_killed_at_any_step_is_undone_by_delete_force()
    {
        foreach (var point in new[] { "cgroup-made", "init-spawned", "released", "ready", "committing", "committed" })
        {
            var id = Id("kill");
            var unit = $"runc-{id}.scope";
            var bundle = node.Bundle(id, c => c.Process!.Args = ["sleep", "1000"]);
            try
            {
                // Polls the stopped state with a deadline (the point is reached when create stops itself).
                var killed = node.Sh($$"""
                    cd {{bundle}}
                    HUTCH_TEST_STOP_AT={{point}} hutch --systemd-cgroup create {{id}} </dev/null >/dev/null 2>/tmp/{{id}}.err &
                    pid=$!
                    end=$(( $(date +%s) + 60 ))
                    until [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = T ]; do
                        kill -0 $pid 2>/dev/null || { echo "create exited before {{point}}:"; cat /tmp/{{id}}.err; exit 1; }
                        [ $(date +%s) -lt $end ] || { echo "create did not reach {{point}}"; exit 1; }
                        sleep 0.02
                    done
                    kill -KILL $pid
                    wait $pid
                    echo "create killed: $?"
                    """);
                Assert.True(killed.ExitCode == 0, $"{point}: {killed}");
                Assert.Contains("create killed: 137", killed.Stdout, StringComparison.Ordinal);
                Assert.Contains(id, node.Check("hutch list -q"), StringComparison.Ordinal);
                if (point is "committing" or "committed")
                {
                    // The init outlives the create from its commit on: the unit holds it.
                    Assert.True(node.Sh($"systemctl is-active {unit}").ExitCode == 0, $"{point}: {unit} is not active after the kill");
                }

                var delete = node.Sh($"hutch delete --force {id}");
                Assert.True(delete.ExitCode == 0, $"{point}: {delete}");

                Assert.DoesNotContain(id, node.Check("hutch list -q"), StringComparison.Ordinal);
                Assert.True(node.Sh($"systemctl is-active {unit}").ExitCode != 0, $"{point}: {unit} is still active");
                var left = node.Sh($"ls -d /sys/fs/cgroup/*/system.slice/{unit} /sys/fs/cgroup/*/{id} 2>/dev/null; pgrep -f 'sleep 1000' | while read p; do grep -l {id} /proc/$p/cgroup; done; ls /run/hutch/{id} 2>/dev/null");
                Assert.True(left.Stdout.Trim().Length == 0, $"{point}: left behind: {left.Stdout}");
            }
            finally
            {
                node.Sh($"hutch delete --force {id}; systemctl stop {unit}; rm -rf {bundle} /tmp/{id}.err");
            }
        }
    }

    /// <summary>podman's options for hutch in the node (its containers.conf has cgroup_manager = "systemd").</summary>
    private const string Podman = "podman --runtime /usr/local/bin/hutch";

    private const string PodmanRun = "--network none --security-opt seccomp=unconfined";

    private void EnsureImage() =>
        node.Check($"podman image exists localhost/busybox:node || (tar -C {SystemdNode.BusyboxRootfs} -cf /var/tmp/busybox.tar . && podman import -q /var/tmp/busybox.tar localhost/busybox:node)");

    [SystemdNodeFact]
    public void Podman_with_the_systemd_manager_runs_hutch()
    {
        EnsureImage();
        var name = Id("pod");
        try
        {
            Assert.Equal("systemd", node.Check("podman info --format '{{.Host.CgroupManager}}'").Trim());
            var once = node.Check($"{Podman} run --rm {PodmanRun} localhost/busybox:node cat /proc/self/cgroup");
            output.WriteLine($"== podman run --rm\n{once}");
            Assert.Matches(@"memory:/machine\.slice/libpod-[0-9a-f]{64}\.scope", once);

            node.Check($"{Podman} run -d --name {name} --memory 64m {PodmanRun} localhost/busybox:node sleep 100000");
            var longId = node.Check($"podman inspect --format '{{{{.Id}}}}' {name}").Trim();
            var unit = $"libpod-{longId}.scope";
            var scope = node.Check($"systemctl show {unit} -p Slice -p Delegate -p MemoryLimit -p ActiveState; cat /sys/fs/cgroup/memory/machine.slice/{unit}/memory.limit_in_bytes");
            output.WriteLine($"== podman run -d --memory 64m\n{scope}");
            Assert.Equal($"Slice=machine.slice\nDelegate=yes\nMemoryLimit={MemoryLimit}\nActiveState=active\n{MemoryLimit}\n", scope);
            Assert.Equal("hello", node.Check($"{Podman} exec {name} echo hello").Trim());
            node.Check($"{Podman} stop -t 2 {name}");
            Assert.Equal("exited", node.Check($"podman inspect --format '{{{{.State.Status}}}}' {name}").Trim());
            node.Check($"{Podman} rm {name}");
            Assert.NotEqual(0, node.Sh($"systemctl is-active {unit}").ExitCode);
        }
        finally
        {
            node.Sh($"{Podman} rm -f {name}");
        }
    }

    [SystemdNodeFact]
    public void Containerd_with_SystemdCgroup_runs_hutch()
    {
        var id = Id("ctr");
        var unit = $"ctr-{id}.scope";
        // `ctr run [options] --rootfs PATH ID COMMAND`: the rootfs path is the first argument.
        static string Ctr(string name, string options) =>
            $"ctr run {options} --runc-binary /usr/local/bin/hutch --runc-systemd-cgroup --cgroup system.slice:ctr:{name} --rootfs {SystemdNode.BusyboxRootfs} {name}";
        try
        {
            var once = node.Check($"{Ctr(id + "-once", "--rm")} cat /proc/self/cgroup");
            output.WriteLine($"== ctr run --runc-systemd-cgroup --rm\n{once}");
            Assert.Contains($"memory:/system.slice/ctr-{id}-once.scope", once, StringComparison.Ordinal);

            node.Check($"{Ctr(id, $"-d --memory-limit {MemoryLimit}")} sleep 100000 >/dev/null");
            var scope = node.Check($"systemctl show {unit} -p Slice -p Delegate -p MemoryLimit -p ActiveState; cat /sys/fs/cgroup/memory/system.slice/{unit}/memory.limit_in_bytes");
            output.WriteLine($"== ctr run -d --memory-limit\n{scope}");
            Assert.Equal($"Slice=system.slice\nDelegate=yes\nMemoryLimit={MemoryLimit}\nActiveState=active\n{MemoryLimit}\n", scope);
            Assert.Equal("hello", node.Check($"ctr task exec --exec-id e1 {id} echo hello").Trim());
            node.Check($"ctr task kill -s KILL {id}; for i in $(seq 100); do ctr task ls | grep -q '{id} .*STOPPED' && break; sleep 0.1; done; ctr task rm {id}; ctr container rm {id}");
            Assert.NotEqual(0, node.Sh($"systemctl is-active {unit}").ExitCode);
        }
        finally
        {
            node.Sh($"ctr task kill -s KILL {id}; ctr task rm -f {id}; ctr container rm {id}; ctr container rm {id}-once");
        }
    }
}
