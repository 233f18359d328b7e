using Hutch.Runtime.Cgroups.Stats;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>The OOM watcher: the real OOM killer in a v1 memory cgroup; the v2 memory.events logic on a file.</summary>
public class OomWatcherTests
{
    // Holds 64 MiB in a shell variable: far past a 8 MiB limit.
    internal const string Hog = "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo survived";

    [RootFact]
    public void V1_oom_kill_in_the_memory_cgroup_is_reported()
    {
        using var cgroup = TestCgroup.Create(["memory"]);
        LimitMemory(cgroup, 8 << 20);
        using var watcher = OomWatcher.Open(cgroup.Directories);
        Assert.NotNull(watcher);
        Assert.Equal(0, watcher.Wait(TimeSpan.Zero));
        using var child = ShellChild.Start(Hog);
        cgroup.Add(child.Pid);
        child.Go();

        var ooms = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ooms == 0 && DateTime.UtcNow < deadline)
        {
            ooms += watcher.Wait(TimeSpan.FromSeconds(1));
        }

        Assert.True(ooms >= 1, "no OOM event within 30 s");
        // The eventfd fires when the OOM starts; the kill and its count come just after.
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)), "the hog survived");
        Assert.True(MemoryReader.OomKills(cgroup.Directories["memory"], unified: false) >= 1, "memory.oom_control counts no oom_kill");
        Assert.False(watcher.CgroupRemoved);
    }

    [RootFact]
    public void V1_removing_the_cgroup_is_not_an_oom()
    {
        var cgroup = TestCgroup.Create(["memory"]);
        OomWatcher? watcher = null;
        try
        {
            watcher = OomWatcher.Open(cgroup.Directories);
            Assert.NotNull(watcher);
            Directory.Delete(cgroup.Directories["memory"]);

            Assert.Equal(0, watcher.Wait(TimeSpan.FromSeconds(5)));
            Assert.True(watcher.CgroupRemoved);
        }
        finally
        {
            watcher?.Dispose();
            cgroup.Dispose();
        }
    }

    [Fact]
    public void V2_an_oom_kill_count_going_up_in_memory_events_is_reported()
    {
        var dir = Directory.CreateTempSubdirectory("hutch-oom-").FullName;
        try
        {
            var events = Path.Combine(dir, "memory.events");
            File.WriteAllText(events, "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");
            File.WriteAllText(Path.Combine(dir, "memory.current"), "4096\n");
            using var watcher = OomWatcher.Open(new Dictionary<string, string> { ["unified"] = dir });
            Assert.NotNull(watcher);
            Assert.Equal(0, watcher.Wait(TimeSpan.Zero));

            // A change that is no kill (max went up) wakes the watcher but reports nothing.
            File.WriteAllText(events, "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n");
            Assert.Equal(0, watcher.Wait(TimeSpan.FromSeconds(2)));

            File.WriteAllText(events, "low 0\nhigh 0\nmax 12\noom 3\noom_kill 3\noom_group_kill 0\n");
            Assert.Equal(2, watcher.Wait(TimeSpan.FromSeconds(2)));
            Assert.Equal(0, watcher.Wait(TimeSpan.FromMilliseconds(100)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void No_memory_controller_means_no_watcher()
    {
        Assert.Null(OomWatcher.Open(new Dictionary<string, string> { ["pids"] = "/nonexistent" }));
        Assert.Null(OomWatcher.Open(new Dictionary<string, string> { ["unified"] = Path.GetTempPath() }));
    }

    /// <summary>A memory limit (and the same memory+swap limit, so nothing escapes to swap).</summary>
    internal static void LimitMemory(TestCgroup cgroup, long bytes)
    {
        cgroup.Write("memory", "memory.limit_in_bytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(cgroup.Directories["memory"], "memory.memsw.limit_in_bytes")))
        {
            cgroup.Write("memory", "memory.memsw.limit_in_bytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
