using System.Diagnostics;
using System.Globalization;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>Real cgroups on this host (hybrid here; the assertions follow the detected layout).</summary>
public sealed class CgroupTests : IDisposable
{
    private readonly List<Process> _children = [];
    private readonly List<Cgroup> _cgroups = [];

    /// <summary>
    /// Cleanup after a failed test (a passing one removed its cgroups itself): kill through each
    /// cgroup first (Signal thaws a frozen one, else a SIGKILLed frozen task never dies), then the
    /// children, then remove the cgroups. Never throws over the test's own failure.
    /// </summary>
    public void Dispose()
    {
        foreach (var cgroup in _cgroups)
        {
            try
            {
                cgroup.Signal(Libc.SIGKILL);
                if (cgroup.IsFrozen())
                {
                    cgroup.Thaw();
                }
            }
            catch (CgroupException)
            {
            }
        }
        foreach (var child in _children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill();
                    child.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
            }
            child.Dispose();
        }
        foreach (var cgroup in _cgroups)
        {
            try
            {
                cgroup.Remove();
            }
            catch (CgroupException)
            {
            }
        }
    }

    [CgroupFact]
    public void Create_absolute_path_makes_the_directory_in_every_hierarchy_and_remove_deletes_them()
    {
        var layout = CgroupLayout.Detect();
        var parent = Host.UniqueName("hutcg");
        var cgroup = Track(Cgroup.Create(layout, $"/{parent}/leaf"));

        var named = layout.Mode == CgroupMode.V2 ? 0 : layout.NamedMounts.Count;
        Assert.Equal(layout.V1Mounts.Count + named + (layout.UnifiedMount is null ? 0 : 1), cgroup.Directories.Count);
        foreach (var (controller, mount) in layout.V1Mounts.Concat(layout.Mode == CgroupMode.V2 ? [] : layout.NamedMounts))
        {
            Assert.Equal($"{mount}/{parent}/leaf", cgroup.Directories[controller]);
            Assert.True(Directory.Exists(cgroup.Directories[controller]), cgroup.Directories[controller]);
            Assert.Equal(cgroup.Directories[controller], cgroup.Dir(controller));
        }
        if (layout.UnifiedMount is not null)
        {
            Assert.Equal($"{layout.UnifiedMount}/{parent}/leaf", cgroup.UnifiedDir);
            Assert.Equal(cgroup.UnifiedDir, cgroup.Directories["unified"]);
            Assert.True(Directory.Exists(cgroup.UnifiedDir));
        }

        cgroup.Remove();

        AssertGone(cgroup, parentsToo: true);
    }

    [CgroupFact]
    public void Remove_leaves_a_parent_it_made_when_another_cgroup_lives_there()
    {
        var layout = CgroupLayout.Detect();
        var parent = Host.UniqueName("hutcg");
        var first = Track(Cgroup.Create(layout, $"/{parent}/first"));
        var second = Track(Cgroup.Create(layout, $"/{parent}/second"));

        first.Remove();

        // The parent the first Create made still holds the second cgroup: both stay, untouched.
        foreach (var dir in second.Directories.Values)
        {
            Assert.True(Directory.Exists(dir), dir);
        }
        Assert.All(first.Directories.Values, dir => Assert.False(Directory.Exists(dir), dir));
        second.Remove();
        foreach (var dir in second.Directories.Values)
        {
            _ = Libc.RemoveDirectory(Path.GetDirectoryName(dir)!);
            Assert.False(Directory.Exists(Path.GetDirectoryName(dir)), "the test's parent is gone");
        }
    }

    [CgroupFact]
    public void Create_relative_path_goes_under_the_runtimes_own_cgroup_of_each_hierarchy()
    {
        var layout = CgroupLayout.Detect();
        var name = Host.UniqueName("hutcg");
        var own = CgroupPaths.ParseProcCgroup(File.ReadAllText("/proc/self/cgroup"));
        var cgroup = Track(Cgroup.Create(layout, name));

        // Named hierarchies (name=systemd) too, on v1 and hybrid hosts.
        foreach (var (controller, mount) in layout.V1Mounts.Concat(layout.Mode == CgroupMode.V2 ? [] : layout.NamedMounts))
        {
            var expected = (mount + own[controller]).TrimEnd('/') + "/" + name;
            Assert.Equal(expected, cgroup.Directories[controller]);
            Assert.True(Directory.Exists(expected), expected);
        }
        if (layout.UnifiedMount is not null)
        {
            // A pure cgroup2 host puts it beside the own cgroup (runc's fs2 rule), a hybrid one under it.
            var start = layout.Mode == CgroupMode.V2 ? ParentCgroup(own["unified"]) : own["unified"];
            Assert.Equal((layout.UnifiedMount + start).TrimEnd('/') + "/" + name, cgroup.UnifiedDir);
        }

        cgroup.Remove();

        AssertGone(cgroup, parentsToo: false);
        foreach (var dir in cgroup.Directories.Values)
        {
            // The runtime's own cgroup was not made by Create, so it stays.
            Assert.True(Directory.Exists(Path.GetDirectoryName(dir)), Path.GetDirectoryName(dir));
        }
    }

    [CgroupFact]
    public void Create_leaves_out_a_named_hierarchy_it_cannot_write_as_runc_does()
    {
        // A named hierarchy "mounted" where the kernel refuses mkdir (procfs): create still
        // succeeds in every real hierarchy, without that one.
        var real = CgroupLayout.Detect();
        var mountinfo = File.ReadAllText("/proc/self/mountinfo") +
            "999 31 0:99 / /proc/sys/kernel rw,relatime - cgroup cgroup rw,name=hutchtest\n";
        var controllers = real.UnifiedMount is null ? null : File.ReadAllText(Path.Combine(real.UnifiedMount, "cgroup.controllers"));
        var layout = CgroupLayout.Parse(mountinfo, controllers);
        Assert.Equal("/proc/sys/kernel", layout.NamedMounts["name=hutchtest"]);
        var path = "/" + Host.UniqueName("hutcg");

        var cgroup = Track(Cgroup.Create(layout, path));

        Assert.False(cgroup.Directories.ContainsKey("name=hutchtest"));
        Assert.False(Directory.Exists("/proc/sys/kernel" + path));
        Assert.All(cgroup.Directories.Values, dir => Assert.True(Directory.Exists(dir), dir));
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact(NeedsUnifiedControllers = true)]
    public void Create_enables_the_roots_controllers_down_the_unified_path()
    {
        var layout = CgroupLayout.Detect();
        var parent = Host.UniqueName("hutcg");
        var cgroup = Track(Cgroup.Create(layout, $"/{parent}/leaf"));

        foreach (var controller in layout.UnifiedControllers)
        {
            Assert.Contains(controller, Words(Path.Combine(layout.UnifiedMount!, "cgroup.subtree_control")));
            Assert.Contains(controller, Words(Path.Combine(layout.UnifiedMount!, parent, "cgroup.subtree_control")));
            Assert.Contains(controller, Words(Path.Combine(cgroup.UnifiedDir!, "cgroup.controllers")));
            Assert.Equal(cgroup.UnifiedDir, cgroup.Dir(controller));
        }
        if (layout.Mode == CgroupMode.Hybrid)
        {
            // This VM's cgroup2 offers hugetlb only: its files appear in the leaf.
            Assert.Equal(cgroup.UnifiedDir, cgroup.Dir("hugetlb"));
            Assert.True(File.Exists(Path.Combine(cgroup.Dir("hugetlb")!, "hugetlb.2MB.max")));
        }

        cgroup.Remove();

        AssertGone(cgroup, parentsToo: true);
    }

    [CgroupFact]
    public void AddProcess_puts_the_pid_in_every_hierarchy_and_pids_lists_it()
    {
        var layout = CgroupLayout.Detect();
        var cgroup = Track(Cgroup.Create(layout, "/" + Host.UniqueName("hutcg")));
        var sleeper = StartSleep();

        cgroup.AddProcess(sleeper.Id);

        foreach (var dir in cgroup.Directories.Values)
        {
            Assert.Contains(sleeper.Id, ProcsOf(dir));
        }
        var procCgroup = File.ReadAllText($"/proc/{sleeper.Id}/cgroup");
        foreach (var (controller, dir) in cgroup.Directories.Where(d => d.Key != "unified"))
        {
            var suffix = dir[(layout.V1Mounts.GetValueOrDefault(controller) ?? layout.NamedMounts[controller]).Length..];
            Assert.Contains($":{controller}:{suffix}\n", procCgroup, StringComparison.Ordinal);
        }
        Assert.Equal([sleeper.Id], cgroup.Pids());

        // A process in a sub-cgroup (of the hierarchy Pids reads) counts too.
        var sub = Path.Combine(cgroup.UnifiedDir ?? cgroup.Directories["freezer"], "sub");
        Directory.CreateDirectory(sub);
        var second = StartSleep();
        File.WriteAllText(Path.Combine(sub, "cgroup.procs"), second.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(new[] { second.Id, sleeper.Id }.Order(), cgroup.Pids().Order());

        cgroup.Signal(Libc.SIGKILL);
        WaitForExit(sleeper);
        WaitForExit(second);
        cgroup.Remove();

        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact(V1Controller = "freezer")]
    public void Freeze_v1_freezer_stops_the_processes_and_thaw_releases_them()
    {
        var cgroup = Track(Cgroup.Create(CgroupLayout.Detect(), "/" + Host.UniqueName("hutcg")));
        var ticks = Path.GetTempFileName();
        try
        {
            var ticker = StartTicker(ticks);
            cgroup.AddProcess(ticker.Id);
            Assert.True(WaitUntil(() => new FileInfo(ticks).Length > 0), "the ticker does not tick");
            Assert.False(cgroup.IsFrozen());

            cgroup.Freeze();

            Assert.True(cgroup.IsFrozen());
            Assert.Equal("FROZEN", cgroup.Read("freezer", "freezer.state")!.Trim());
            // A task frozen by the v1 freezer sleeps uninterruptibly, and does no work.
            Assert.StartsWith("D", ProcState(ticker.Id), StringComparison.Ordinal);
            Assert.True(StaysStill(ticks), "the ticker still ticks while frozen");

            cgroup.Thaw();

            Assert.False(cgroup.IsFrozen());
            Assert.Equal("THAWED", cgroup.Read("freezer", "freezer.state")!.Trim());
            Assert.True(Grows(ticks), "the ticker does not tick after thaw");

            cgroup.Signal(Libc.SIGKILL);
            WaitForExit(ticker);
            cgroup.Remove();
            AssertGone(cgroup, parentsToo: false);
        }
        finally
        {
            File.Delete(ticks);
        }
    }

    [CgroupFact(NeedsUnified = true)]
    public void Unified_only_cgroup_freeze_and_cgroup_kill()
    {
        var unified = UnifiedOnlyLayout();
        Assert.Equal(CgroupMode.V2, unified.Mode);
        var cgroup = Track(Cgroup.Create(unified, "/" + Host.UniqueName("hutcg")));
        var ticks = Path.GetTempFileName();
        try
        {
            Assert.Equal(["unified"], cgroup.Directories.Keys);
            var processes = new[] { StartTicker(ticks), StartSleep() };
            foreach (var process in processes)
            {
                cgroup.AddProcess(process.Id);
            }
            Assert.True(WaitUntil(() => new FileInfo(ticks).Length > 0), "the ticker does not tick");

            cgroup.Freeze();

            Assert.True(cgroup.IsFrozen());
            Assert.Equal("1", cgroup.Read("unified", "cgroup.freeze")!.Trim());
            Assert.Contains("frozen 1", cgroup.Read("unified", "cgroup.events")!, StringComparison.Ordinal);
            Assert.True(StaysStill(ticks), "the ticker still ticks while frozen");

            cgroup.Thaw();

            Assert.False(cgroup.IsFrozen());
            Assert.True(WaitUntil(() => cgroup.Read("unified", "cgroup.events")!.Contains("frozen 0", StringComparison.Ordinal)));
            Assert.True(Grows(ticks), "the ticker does not tick after thaw");

            // SIGKILL goes through cgroup.kill: every process dies, the cgroup empties.
            cgroup.Signal(Libc.SIGKILL);
            Assert.All(processes, WaitForExit);
            Assert.True(WaitUntil(() => cgroup.Read("unified", "cgroup.events")!.Contains("populated 0", StringComparison.Ordinal)));
            Assert.Empty(cgroup.Pids());
            cgroup.Remove();
            AssertGone(cgroup, parentsToo: false);
        }
        finally
        {
            File.Delete(ticks);
        }
    }

    [CgroupFact(NeedsUnified = true)]
    public void Unified_only_signal_other_than_kill_freezes_signals_each_pid_and_thaws()
    {
        var cgroup = Track(Cgroup.Create(UnifiedOnlyLayout(), "/" + Host.UniqueName("hutcg")));
        var sleeper = StartSleep();
        cgroup.AddProcess(sleeper.Id);

        cgroup.Signal(Libc.SIGTERM);

        WaitForExit(sleeper);
        Assert.Equal(143, sleeper.ExitCode);
        Assert.False(cgroup.IsFrozen());
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact(NeedsV1 = true)]
    public void Signal_kill_without_cgroup_kill_freezes_kills_each_pid_and_thaws()
    {
        // This host's v1 hierarchies alone: no unified directory, so no cgroup.kill.
        var v1Only = CgroupLayout.Parse(
            string.Join('\n', File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(" - cgroup ", StringComparison.Ordinal))),
            null);
        var cgroup = Track(Cgroup.Create(v1Only, "/" + Host.UniqueName("hutcg")));
        Assert.Null(cgroup.UnifiedDir);
        var sleepers = new[] { StartSleep(), StartSleep(), StartSleep() };
        foreach (var sleeper in sleepers)
        {
            cgroup.AddProcess(sleeper.Id);
        }

        cgroup.Signal(Libc.SIGKILL);

        Assert.All(sleepers, WaitForExit);
        Assert.All(sleepers, s => Assert.Equal(137, s.ExitCode));
        Assert.False(cgroup.IsFrozen());
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact]
    public void Signal_kill_on_the_detected_layout_kills_every_process()
    {
        var cgroup = Track(Cgroup.Create(CgroupLayout.Detect(), "/" + Host.UniqueName("hutcg")));
        var sleepers = new[] { StartSleep(), StartSleep() };
        foreach (var sleeper in sleepers)
        {
            cgroup.AddProcess(sleeper.Id);
        }

        cgroup.Signal(Libc.SIGKILL);

        Assert.All(sleepers, WaitForExit);
        Assert.True(WaitUntil(() => cgroup.Pids().Count == 0));
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact]
    public void Write_bad_value_throws_naming_the_file_the_value_and_the_errno()
    {
        var cgroup = Track(Cgroup.Create(CgroupLayout.Detect(), "/" + Host.UniqueName("hutcg")));
        Assert.NotNull(cgroup.Dir("pids"));

        var error = Assert.Throws<CgroupException>(() => cgroup.Write("pids", "pids.max", "bogus"));

        var file = Path.Combine(cgroup.Dir("pids")!, "pids.max");
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("`bogus`", error.Message, StringComparison.Ordinal);
        Assert.Contains("EINVAL", error.Message, StringComparison.Ordinal);
        Assert.Contains("check its format and range", error.Message, StringComparison.Ordinal);
        Assert.Equal(file, error.CgroupPath);
        Assert.Equal("bogus", error.Value);
        Assert.Equal(Errno.EINVAL, error.Errno);

        // A good value goes through and reads back.
        cgroup.Write("pids", "pids.max", "42");
        Assert.Equal("42\n", cgroup.Read("pids", "pids.max"));
        Assert.Null(cgroup.Read("pids", "no.such.file"));

        var missing = Assert.Throws<CgroupException>(() => cgroup.Write("pids", "no.such.file", "1"));
        Assert.Contains("ENOENT", missing.Message, StringComparison.Ordinal);

        var noController = Assert.Throws<CgroupException>(() => cgroup.Write("rdma", "rdma.max", "x"));
        Assert.Contains("rdma", noController.Message, StringComparison.Ordinal);
        Assert.Null(cgroup.Dir("rdma"));
        Assert.Null(cgroup.Read("rdma", "rdma.max"));

        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact(V1Controller = "cpuset")]
    public void AddProcess_into_a_new_nested_cpuset_works_because_cpus_and_mems_are_inherited()
    {
        var layout = CgroupLayout.Detect();
        var cgroup = Track(Cgroup.Create(layout, $"/{Host.UniqueName("hutcg")}/a/b"));
        var rootCpus = File.ReadAllText(Path.Combine(layout.V1Mounts["cpuset"], "cpuset.cpus")).Trim();
        Assert.Equal(rootCpus, cgroup.Read("cpuset", "cpuset.cpus")!.Trim());
        Assert.NotEqual("", cgroup.Read("cpuset", "cpuset.mems")!.Trim());
        var sleeper = StartSleep();

        cgroup.AddProcess(sleeper.Id);

        Assert.Contains(sleeper.Id, ProcsOf(cgroup.Directories["cpuset"]));
        cgroup.Signal(Libc.SIGKILL);
        WaitForExit(sleeper);
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: true);
    }

    [CgroupFact]
    public void Attach_removes_only_the_leaves_and_their_sub_cgroups()
    {
        var layout = CgroupLayout.Detect();
        var created = Track(Cgroup.Create(layout, $"/{Host.UniqueName("hutcg")}/leaf"));
        var attached = Cgroup.Attach(layout, new Dictionary<string, string>(created.Directories));
        Assert.Equal(created.Directories, attached.Directories);
        Assert.Equal(created.UnifiedDir, attached.UnifiedDir);
        Directory.CreateDirectory(Path.Combine(attached.Directories.Values.First(), "inner", "deeper"));

        attached.Remove();

        AssertGone(created, parentsToo: false);
        foreach (var dir in created.Directories.Values)
        {
            Assert.True(Directory.Exists(Path.GetDirectoryName(dir)), "the parent must stay: " + Path.GetDirectoryName(dir));
        }
        attached.Remove(); // already gone: fine

        created.Remove();
        AssertGone(created, parentsToo: true);
    }

    [CgroupFact]
    public void Remove_with_a_process_inside_fails_after_retrying_naming_the_pid()
    {
        var cgroup = Track(Cgroup.Create(CgroupLayout.Detect(), "/" + Host.UniqueName("hutcg")));
        var sleeper = StartSleep();
        cgroup.AddProcess(sleeper.Id);

        var error = Assert.Throws<CgroupException>(cgroup.Remove);

        Assert.Contains("EBUSY", error.Message, StringComparison.Ordinal);
        Assert.Contains(sleeper.Id.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("kill them", error.Message, StringComparison.Ordinal);

        // Killed, the same Remove succeeds (its EBUSY retry waits for the exit to finish).
        cgroup.Signal(Libc.SIGKILL);
        cgroup.Remove();
        AssertGone(cgroup, parentsToo: false);
    }

    [CgroupFact(NeedsUnified = true)]
    public void Create_failing_in_one_hierarchy_removes_what_it_made_in_the_others()
    {
        var layout = CgroupLayout.Detect();
        var parent = Host.UniqueName("hutcg");
        var blocked = Path.Combine(layout.UnifiedMount!, parent);
        Directory.CreateDirectory(blocked);
        try
        {
            // A cgroup2 parent that allows no descendants: mkdir below it fails (EAGAIN).
            File.WriteAllText(Path.Combine(blocked, "cgroup.max.descendants"), "0");

            var error = Assert.Throws<CgroupException>(() => Cgroup.Create(layout, $"/{parent}/leaf"));

            Assert.Contains($"create directory {blocked}/leaf", error.Message, StringComparison.Ordinal);
            Assert.Contains("cgroup.max.descendants", error.Message, StringComparison.Ordinal);
            foreach (var mount in layout.V1Mounts.Values.Distinct())
            {
                Assert.False(Directory.Exists(Path.Combine(mount, parent)), $"{mount}/{parent} left behind");
            }
            Assert.True(Directory.Exists(blocked), "the pre-existing parent must stay");
        }
        finally
        {
            Directory.Delete(blocked);
            foreach (var mount in layout.V1Mounts.Values.Distinct())
            {
                var leftover = Path.Combine(mount, parent);
                if (Directory.Exists(Path.Combine(leftover, "leaf")))
                {
                    Directory.Delete(Path.Combine(leftover, "leaf"));
                }
                if (Directory.Exists(leftover))
                {
                    Directory.Delete(leftover);
                }
            }
        }
    }

    /// <summary>The cgroup2 mount of this host as if it were the only hierarchy (a pure v2 layout).</summary>
    private static CgroupLayout UnifiedOnlyLayout()
    {
        var layout = CgroupLayout.Detect();
        var line = File.ReadAllLines("/proc/self/mountinfo")
            .First(l => l.Contains($" {layout.UnifiedMount} ", StringComparison.Ordinal) && l.Contains(" - cgroup2 ", StringComparison.Ordinal));
        return CgroupLayout.Parse(line + "\n", File.ReadAllText(Path.Combine(layout.UnifiedMount!, "cgroup.controllers")));
    }

    /// <summary>No directory of the cgroup is left in any hierarchy (nor the parent Create made, when asked).</summary>
    private static string ParentCgroup(string cgroup)
    {
        var trimmed = cgroup.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    private static void AssertGone(Cgroup cgroup, bool parentsToo)
    {
        foreach (var dir in cgroup.Directories.Values)
        {
            Assert.False(Directory.Exists(dir), dir + " left behind");
            if (parentsToo)
            {
                Assert.False(Directory.Exists(Path.GetDirectoryName(dir)), Path.GetDirectoryName(dir) + " (made by Create) left behind");
            }
        }
    }

    private Cgroup Track(Cgroup cgroup)
    {
        _cgroups.Add(cgroup);
        return cgroup;
    }

    private Process StartSleep() => Start("sleep", "300");

    /// <summary>A shell that appends a line to <paramref name="file"/> every 20 ms (its sleeps are its children).</summary>
    private Process StartTicker(string file) =>
        Start("sh", "-c", $"while :; do echo t >> '{file}'; sleep 0.02; done");

    private Process Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info)!;
        _children.Add(process);
        return process;
    }

    /// <summary>The file grows before WaitUntil's deadline.</summary>
    private static bool Grows(string file)
    {
        var before = new FileInfo(file).Length;
        return WaitUntil(() => new FileInfo(file).Length > before);
    }

    /// <summary>
    /// The file stays the same size for 300 ms, 15 ticks of the ticker: an absence can only be
    /// observed over a window (the frozen state itself is asserted through /proc first).
    /// </summary>
    private static bool StaysStill(string file)
    {
        var before = new FileInfo(file).Length;
        Thread.Sleep(300);
        return new FileInfo(file).Length == before;
    }

    private static void WaitForExit(Process process) =>
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)), $"pid {process.Id} still running");

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(10);
        }
        return condition();
    }

    private static string ProcState(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal))["State:".Length..].Trim();

    private static int[] ProcsOf(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();

    private static string[] Words(string file) =>
        File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
