using System.Diagnostics;
using System.Globalization;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// checkpoint and restore through CRIU, hutch side by side with runc 1.1.5 given the same criu
/// (`--criu`): a busybox counter goes on from where it was, with the same pid inside and the same
/// cgroup limits; --leave-running; two cycles; a tmpfs's content; a named network namespace with
/// a moved device (hutch); failed restores that leave nothing behind. The wall times of both
/// runtimes go to .tmp/test-results/checkpoint-side-by-side.md (no assertion on them).
/// </summary>
[Collection(CriuCollection.Name)]
public sealed class CheckpointTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private const long MemoryLimit = 96L << 20;

    // The counter's stdio become the container's /dev/null (a host file as stdio cannot be dumped, in any
    // runtime). It renames each value into place: CRIU may stop it between a truncate and a write.
    private const string Counter =
        "exec </dev/null >/dev/null 2>&1; echo kept > /scratch/marker; i=0; while true; do i=$((i+1)); echo $i > /out/next; mv /out/next /out/count; sleep 0.05; done";

    public static TheoryData<string> Runtimes => new() { "hutch", "runc" };

    [CriuTheory]
    [MemberData(nameof(Runtimes))]
    public void A_counter_goes_on_after_checkpoint_and_restore_with_its_pid_and_limits(string runtime)
    {
        using var box = new CounterBox(host, runtime);
        box.Run();
        var before = box.InitStatus();
        var count = box.WaitForCountAbove(3);

        var checkpoint = box.Timed("checkpoint", "checkpoint", "--image-path", box.Images, box.Id);
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        Assert.False(box.Exists(), "the container is gone after checkpoint (without --leave-running)");
        var atCheckpoint = box.Count();
        Assert.True(atCheckpoint >= count);

        var restore = box.Timed("restore", "restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var next = box.WaitForCountAbove(atCheckpoint);
        Assert.True(next > atCheckpoint, $"the counter went on from {atCheckpoint} (read {next}), it did not start again");
        Assert.Equal("running", box.Status());
        var after = box.InitStatus();
        Assert.Equal(before.PidInside, after.PidInside);
        Assert.Equal("1", after.PidInside);
        Assert.Equal(MemoryLimit.ToString(CultureInfo.InvariantCulture), box.Limit(after.HostPid, "memory", "memory.limit_in_bytes", "memory.max"));
        Assert.Equal("40", box.Limit(after.HostPid, "pids", "pids.max", "pids.max"));
        Assert.Equal("kept", box.InContainer(after.HostPid, "/scratch/marker"));
        box.Record();
    }

    [CriuTheory]
    [MemberData(nameof(Runtimes))]
    public void Leave_running_keeps_the_container_and_its_images_restore_later(string runtime)
    {
        using var box = new CounterBox(host, runtime);
        box.Run();
        var pid = box.InitStatus().HostPid;
        box.WaitForCountAbove(2);

        var checkpoint = box.Invoke("checkpoint", "--leave-running", "--image-path", box.Images, box.Id);

        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        Assert.Equal("running", box.Status());
        Assert.Equal(pid, box.InitStatus().HostPid);
        var atCheckpoint = box.Count();
        Assert.True(box.WaitForCountAbove(atCheckpoint + 2) > atCheckpoint, "still counting");

        Assert.Equal(0, box.Invoke("delete", "--force", box.Id).ExitCode);
        var restore = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("running", box.Status());
        var restoredCount = box.WaitForCountAbove(0);
        Assert.True(restoredCount > 0);
    }

    [CriuTheory]
    [MemberData(nameof(Runtimes))]
    public void Two_cycles_keep_counting_and_keep_the_tmpfs(string runtime)
    {
        using var box = new CounterBox(host, runtime);
        box.Run();
        var last = box.WaitForCountAbove(2);
        for (var cycle = 1; cycle <= 2; cycle++)
        {
            var images = box.Images + "-" + cycle.ToString(CultureInfo.InvariantCulture);
            var checkpoint = box.Invoke("checkpoint", "--image-path", images, box.Id);
            Assert.True(checkpoint.ExitCode == 0, $"cycle {cycle}: {checkpoint}");
            var atCheckpoint = box.Count();
            Assert.True(atCheckpoint >= last);
            var restore = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", images, box.Id);
            Assert.True(restore.ExitCode == 0, $"cycle {cycle}: {restore}");
            last = box.WaitForCountAbove(atCheckpoint);
            Assert.Equal("kept", box.InContainer(box.InitStatus().HostPid, "/scratch/marker"));
        }
    }

    [CriuFact]
    public void A_container_in_a_named_netns_with_a_moved_device_comes_back_to_that_netns_and_device()
    {
        using var netns = TestNetns.Create();
        var hostEnd = Host.UniqueName("hcr");
        var peer = Host.UniqueName("hcp");
        IpCommand.Run("link", "add", hostEnd, "type", "veth", "peer", "name", peer);
        try
        {
            IpCommand.Run("addr", "add", "198.18.15.1/24", "dev", hostEnd);
            using var box = new CounterBox(host, "hutch", c =>
            {
                c.Linux!.Namespaces = [.. c.Linux.Namespaces!.Where(n => n.Type != "network"), new LinuxNamespace { Type = "network", Path = netns.Path }];
                c.Linux.NetDevices = new Dictionary<string, LinuxNetDevice> { [hostEnd] = new LinuxNetDevice { Name = "ctr0" } };
            });
            box.Run();
            var netnsInode = Inode(netns.Path);
            Assert.Equal(netnsInode, Inode($"/proc/{box.InitStatus().HostPid}/ns/net"));
            var atCheckpoint = box.WaitForCountAbove(2);

            var checkpoint = box.Invoke("checkpoint", "--image-path", box.Images, box.Id);
            Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
            // The namespace outlives the checkpoint, and the device in it (with its address).
            Assert.Contains("198.18.15.1/24", netns.Ip("-o", "addr", "show", "ctr0"), StringComparison.Ordinal);

            var restore = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);
            Assert.True(restore.ExitCode == 0, restore.ToString());
            box.WaitForCountAbove(atCheckpoint);
            Assert.Equal(netnsInode, Inode($"/proc/{box.InitStatus().HostPid}/ns/net"));
            Assert.Contains("198.18.15.1/24", netns.Ip("-o", "addr", "show", "ctr0"), StringComparison.Ordinal);
            Assert.Contains("ctr0", ContainerHost.HostCommand("nsenter", "-t", box.InitStatus().HostPid, "-n", "ip", "-o", "link", "show"), StringComparison.Ordinal);
        }
        finally
        {
            IpCommand.TryRun("link", "del", peer); // in the host, or gone with the namespace's end
        }
    }

    [CriuFact]
    public void Restore_runs_the_prestart_and_create_runtime_hooks_with_the_restored_pid_and_writes_the_pid_file()
    {
        var seen = Path.Combine(Path.GetTempPath(), "hutch-cr-hooks-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(seen);
        try
        {
            using var box = new CounterBox(host, "hutch", c => c.Hooks = new Hooks
            {
                Prestart = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", $"cat > {seen}/prestart"] }],
                CreateRuntime = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", $"cat > {seen}/createRuntime"] }],
            });
            box.Run();
            var atCheckpoint = box.WaitForCountAbove(2);
            Assert.Equal(0, box.Invoke("checkpoint", "--image-path", box.Images, box.Id).ExitCode);
            File.Delete(Path.Combine(seen, "prestart"));
            File.Delete(Path.Combine(seen, "createRuntime"));
            var pidFile = Path.Combine(seen, "pid");

            var restore = box.Invoke("restore", "--detach", "--pid-file", pidFile, "--bundle", box.Bundle, "--image-path", box.Images, box.Id);

            Assert.True(restore.ExitCode == 0, restore.ToString());
            box.WaitForCountAbove(atCheckpoint);
            var pid = box.InitStatus().HostPid;
            Assert.Equal(pid, File.ReadAllText(pidFile).Trim());
            foreach (var hook in new[] { "prestart", "createRuntime" })
            {
                var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(seen, hook))).RootElement;
                Assert.Equal(box.Id, state.GetProperty("id").GetString());
                Assert.Equal(pid, state.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture));
                Assert.Equal("creating", state.GetProperty("status").GetString());
            }
        }
        finally
        {
            Directory.Delete(seen, recursive: true);
        }
    }

    [CriuFact]
    public void Restore_in_the_foreground_waits_returns_the_status_and_deletes_the_container()
    {
        using var box = new CounterBox(host, "hutch");
        box.Run();
        var atCheckpoint = box.WaitForCountAbove(2);
        Assert.Equal(0, box.Invoke("checkpoint", "--image-path", box.Images, box.Id).ExitCode);

        var foreground = Task.Run(() => box.Invoke("restore", "--bundle", box.Bundle, "--image-path", box.Images, box.Id));
        box.WaitForCountAbove(atCheckpoint);
        // state.json is written once CRIU answered, a moment after the process runs again.
        var saved = Stopwatch.StartNew();
        // (`state` shows the restore's claimed directory as "creating" until then: crash-safe create.)
        while (!(box.Exists() && box.Status() == "running") && saved.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }
        Assert.False(foreground.IsCompleted, "restore without --detach waits for the process");
        var kill = box.Invoke("kill", box.Id, "KILL");
        Assert.True(kill.ExitCode == 0, kill.ToString());

        Assert.True(foreground.Wait(TimeSpan.FromSeconds(30)), "restore returned once the process was killed");
        Assert.Equal(137, foreground.Result.ExitCode);
        Assert.False(box.Exists(), "the container is deleted when its process exits, as with `run`");
    }

    [CriuFact]
    public void In_a_namespace_hutch_made_restore_moves_the_net_devices_into_the_new_namespace_again()
    {
        var hostEnd = Host.UniqueName("hcn");
        var peer = Host.UniqueName("hcq");
        IpCommand.Run("link", "add", hostEnd, "type", "veth", "peer", "name", peer);
        try
        {
            IpCommand.Run("addr", "add", "198.18.16.1/24", "dev", hostEnd);
            using var box = new CounterBox(host, "hutch", c =>
                c.Linux!.NetDevices = new Dictionary<string, LinuxNetDevice> { [hostEnd] = new LinuxNetDevice { Name = "ctr1" } });
            box.Run();
            var atCheckpoint = box.WaitForCountAbove(2);

            var checkpoint = box.Invoke("checkpoint", "--image-path", box.Images, box.Id);
            Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
            // The namespace ended with the container, and the veth pair with it (the kernel cleans up a
            // namespace asynchronously: wait for the peer to go, with a deadline).
            var gone = Stopwatch.StartNew();
            while (IpCommand.TryRun("link", "show", peer).ExitCode == 0 && gone.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(20);
            }
            Assert.NotEqual(0, IpCommand.TryRun("link", "show", peer).ExitCode);

            // Without the host device, restore fails and leaves nothing behind.
            var missing = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains(hostEnd, missing.Stderr, StringComparison.Ordinal);
            Assert.False(box.Exists());

            IpCommand.Run("link", "add", hostEnd, "type", "veth", "peer", "name", peer);
            IpCommand.Run("addr", "add", "198.18.16.1/24", "dev", hostEnd);
            var restore = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);
            Assert.True(restore.ExitCode == 0, restore.ToString());
            box.WaitForCountAbove(atCheckpoint);
            var pid = box.InitStatus().HostPid;
            var inside = ContainerHost.HostCommand("nsenter", "-t", pid, "-n", "ip", "-o", "addr", "show", "ctr1");
            Assert.Contains("198.18.16.1/24", inside, StringComparison.Ordinal);
            Assert.NotEqual(0, IpCommand.TryRun("link", "show", hostEnd).ExitCode);
        }
        finally
        {
            IpCommand.TryRun("link", "del", peer);
            IpCommand.TryRun("link", "del", hostEnd);
        }
    }

    [CriuFact]
    public void A_restore_from_a_bad_image_path_leaves_nothing_behind()
    {
        using var box = new CounterBox(host, "hutch");
        var missing = box.Images + "-missing";

        var outcome = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", missing, box.Id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"--image-path {missing}", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(box.Exists());
        Assert.False(Directory.Exists(Path.Combine(host.Root, box.Id)));
        Assert.Empty(CgroupDirectories(box.Id));

        // Images that are not a checkpoint: CRIU fails; the claimed id, cgroup and criu-root go again.
        Directory.CreateDirectory(box.Images);
        File.WriteAllText(Path.Combine(box.Images, "descriptors.json"), "[\"/dev/null\",\"/dev/null\",\"/dev/null\"]");
        var failed = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("criu restore failed", failed.Stderr, StringComparison.Ordinal);
        Assert.False(box.Exists());
        Assert.False(Directory.Exists(Path.Combine(host.Root, box.Id)));
        Assert.Empty(CgroupDirectories(box.Id));
        Assert.DoesNotContain(box.Id, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [CriuFact]
    public void A_restore_onto_a_taken_id_fails_and_leaves_the_running_container_alone()
    {
        using var box = new CounterBox(host, "hutch");
        box.Run();
        var pid = box.InitStatus().HostPid;
        box.WaitForCountAbove(2);
        Assert.Equal(0, box.Invoke("checkpoint", "--leave-running", "--image-path", box.Images, box.Id).ExitCode);

        var outcome = box.Invoke("restore", "--detach", "--bundle", box.Bundle, "--image-path", box.Images, box.Id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("already exists", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal("running", box.Status());
        Assert.Equal(pid, box.InitStatus().HostPid);
        var count = box.Count();
        Assert.True(box.WaitForCountAbove(count) > count);
        Assert.DoesNotContain("criu-root", File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [CriuFact]
    public void Pre_dump_works_or_is_refused_with_the_reason_where_the_kernel_has_no_soft_dirty_tracking()
    {
        using var box = new CounterBox(host, "hutch");
        box.Run();

        var outcome = box.Invoke("checkpoint", "--pre-dump", "--image-path", box.Images, box.Id);

        if (SoftDirty())
        {
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
        }
        else
        {
            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains("soft-dirty", outcome.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal("running", box.Status());
    }

    private static bool SoftDirty()
    {
        var check = new ProcessStartInfo(CriuTool.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "check", "--feature", "mem_dirty_track" })
        {
            check.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(check)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static string Inode(string path) => ContainerHost.HostCommand("stat", "-L", "-c", "%i", path).Trim();

    private static List<string> CgroupDirectories(string id) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").SelectMany(h =>
        {
            try
            {
                return Directory.EnumerateDirectories(h, id, SearchOption.AllDirectories).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return [];
            }
        }).ToList();

    /// <summary>One counter container of one runtime, with its bundle, images and counter directory; Dispose removes it.</summary>
    private sealed class CounterBox : IDisposable
    {
        private readonly ContainerHost _host;
        private readonly string _runtime;
        private readonly string _work;
        private readonly string _runcRoot;
        private readonly Dictionary<string, double> _times = [];

        public CounterBox(ContainerHost host, string runtime, Action<ContainerConfig>? edit = null)
        {
            _host = host;
            _runtime = runtime;
            Id = host.NewId("cr" + runtime[0]);
            _work = Directory.CreateTempSubdirectory("hutch-cr-").FullName;
            _runcRoot = Path.Combine(_work, "runc-root");
            var counter = Path.Combine(_work, "out");
            Directory.CreateDirectory(counter);
            Images = Path.Combine(_work, "images");
            Bundle = host.Bundle(c =>
            {
                c.Process!.Args = ["sh", "-c", Counter];
                c.Linux!.Resources = new LinuxResources { Memory = new LinuxMemory { Limit = MemoryLimit }, Pids = new LinuxPids { Limit = 40 } };
                c.Mounts!.Add(new Mount { Destination = "/out", Type = "bind", Source = counter, Options = ["rbind", "rw"] });
                c.Mounts.Add(new Mount { Destination = "/scratch", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev"] });
                edit?.Invoke(c);
            });
            CountFile = Path.Combine(counter, "count");
        }

        public string Id { get; }

        public string Bundle { get; }

        public string Images { get; }

        private string CountFile { get; }

        public void Run()
        {
            var outcome = Invoke("run", "--detach", "--bundle", Bundle, Id);
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
        }

        public Outcome Invoke(params string[] args) => _runtime == "hutch"
            ? _host.Hutch(["--criu", CriuTool.Path, .. args])
            : Runc(args);

        public Outcome Timed(string name, params string[] args)
        {
            var clock = Stopwatch.StartNew();
            var outcome = Invoke(args);
            _times[name] = clock.Elapsed.TotalMilliseconds;
            return outcome;
        }

        /// <summary>Appends this runtime's times to the side-by-side file.</summary>
        public void Record() =>
            CheckpointTimings.Append($"{_runtime} checkpoint / restore --detach (busybox counter)", _times.GetValueOrDefault("checkpoint"), _times.GetValueOrDefault("restore"));

        public bool Exists() => Invoke("state", Id).ExitCode == 0;

        public string Status()
        {
            var state = Invoke("state", Id);
            Assert.True(state.ExitCode == 0, state.ToString());
            return System.Text.Json.JsonDocument.Parse(state.Stdout).RootElement.GetProperty("status").GetString()!;
        }

        /// <summary>The init's host pid and its pid inside (the last NSpid field).</summary>
        public (string HostPid, string PidInside) InitStatus()
        {
            var state = Invoke("state", Id);
            Assert.True(state.ExitCode == 0, state.ToString());
            var pid = System.Text.Json.JsonDocument.Parse(state.Stdout).RootElement.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture);
            var nspid = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return (pid, nspid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }

        public long Count() => long.TryParse(File.Exists(CountFile) ? File.ReadAllText(CountFile).Trim() : "", CultureInfo.InvariantCulture, out var n) ? n : 0;

        /// <summary>Waits (deadline 20 s) until the counter shows more than <paramref name="value"/>; returns what it shows.</summary>
        public long WaitForCountAbove(long value)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                var now = Count();
                if (now > value)
                {
                    return now;
                }
                Thread.Sleep(20);
            }
            throw new TimeoutException($"{_runtime} container {Id}: the counter did not pass {value} within 20 s (it shows {Count()})");
        }

        /// <summary>A v1 limit file of the process's cgroup in <paramref name="controller"/>, or the cgroup2 one.</summary>
        public string Limit(string pid, string controller, string v1File, string v2File)
        {
            var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
            var v1 = lines.Select(l => l.Split(':', 3)).FirstOrDefault(p => p[1].Split(',').Contains(controller));
            var path = v1 is not null
                ? Path.Combine("/sys/fs/cgroup", v1[1].Split(',').First(c => c == controller), v1[2].TrimStart('/'), v1File)
                : Path.Combine("/sys/fs/cgroup", lines.First(l => l.StartsWith("0::", StringComparison.Ordinal))[3..].TrimStart('/'), v2File);
            return File.ReadAllText(path).Trim();
        }

        public string InContainer(string pid, string path) => File.ReadAllText($"/proc/{pid}/root{path}").Trim();

        public void Dispose()
        {
            Invoke("delete", "--force", Id);
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private Outcome Runc(string[] args)
        {
            var start = new ProcessStartInfo("runc")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--root", _runcRoot, "--criu", CriuTool.Path }.Concat(args))
            {
                start.ArgumentList.Add(arg);
            }
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                throw new TimeoutException($"runc {string.Join(' ', args)} did not exit within 60 s");
            }
            return new Outcome(process.ExitCode, stdout, stderr.Result);
        }
    }
}
