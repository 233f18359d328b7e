using System.Collections.Concurrent;
using System.Text.Json;
using Hutch.Linux.Processes;
using Hutch.Runtime.Lifecycle;
using Hutch.Runtime.State;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>`events` on a "container" made of a child shell in cgroups the test made: the stream, OOM, the end.</summary>
public class EventsStreamTests
{
    private const string Idle = "x=$(head -c 1048576 /dev/zero | tr '\\0' a); echo ready; exec sleep 60";

    [RootFact]
    public void Stream_prints_stats_every_interval_and_ends_when_the_container_stops()
    {
        using var cgroup = TestCgroup.Create(["memory", "pids", "cpuacct"]);
        using var child = ShellChild.Start(Idle);
        cgroup.Add(child.Pid);
        child.Go();
        Assert.Equal("ready", child.ReadLine(TimeSpan.FromSeconds(30)));
        var state = StateOf("ev1", child.Pid, cgroup);
        var lines = new BlockingCollection<string>();

        var stream = Task.Run(() => Events.Stream(state, TimeSpan.FromMilliseconds(100), lines.Add, CancellationToken.None));
        var first = Take(lines, 3);
        child.Dispose();

        Assert.True(stream.Wait(TimeSpan.FromSeconds(10)), "the stream did not end after the container stopped");
        foreach (var line in first)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal("stats", root.GetProperty("type").GetString());
            Assert.Equal("ev1", root.GetProperty("id").GetString());
            var data = root.GetProperty("data");
            Assert.True(data.GetProperty("pids").GetProperty("current").GetUInt64() >= 1);
            Assert.True(data.GetProperty("memory").GetProperty("usage").GetProperty("usage").GetUInt64() > 0);
            Assert.True(data.GetProperty("cpu").GetProperty("usage").GetProperty("total").GetUInt64() > 0);
            // The child shares the test's network namespace: no interfaces of its own.
            Assert.Equal(JsonValueKind.Null, data.GetProperty("network_interfaces").ValueKind);
        }
    }

    [RootFact]
    public void Stream_reports_an_oom_kill_then_ends_with_the_killed_container()
    {
        using var cgroup = TestCgroup.Create(["memory"]);
        OomWatcherTests.LimitMemory(cgroup, 8 << 20);
        using var child = ShellChild.Start(OomWatcherTests.Hog);
        cgroup.Add(child.Pid);
        var state = StateOf("ev2", child.Pid, cgroup);
        var lines = new BlockingCollection<string>();

        var stream = Task.Run(() => Events.Stream(state, TimeSpan.FromMilliseconds(100), lines.Add, CancellationToken.None));
        // The first stats line says the stream (and its OOM watch) is up; only then may the hog start.
        Take(lines, 1);
        child.Go();

        Assert.True(stream.Wait(TimeSpan.FromSeconds(30)), "the stream did not end");
        stream.GetAwaiter().GetResult();
        Assert.Contains("{\"type\":\"oom\",\"id\":\"ev2\"}", lines);
        Assert.All(lines, line => Assert.Matches("^\\{\"type\":\"(stats|oom)\",\"id\":\"ev2\"", line));
    }

    [RootFact]
    public void Stream_stops_on_cancellation()
    {
        using var cgroup = TestCgroup.Create(["pids"]);
        using var child = ShellChild.Start("exec sleep 60");
        cgroup.Add(child.Pid);
        child.Go();
        var state = StateOf("ev3", child.Pid, cgroup);
        using var cancel = new CancellationTokenSource();
        var lines = new BlockingCollection<string>();

        var stream = Task.Run(() => Events.Stream(state, TimeSpan.FromMilliseconds(50), lines.Add, cancel.Token));
        Take(lines, 1);
        cancel.Cancel();

        Assert.True(stream.Wait(TimeSpan.FromSeconds(5)), "the stream ignored the cancellation");
        Assert.False(child.HasExited);
    }

    [RootFact]
    public void Once_prints_one_stats_event_and_a_stopped_container_is_refused()
    {
        using var cgroup = TestCgroup.Create(["pids"]);
        using var child = ShellChild.Start("exec sleep 60");
        cgroup.Add(child.Pid);
        child.Go();
        var state = StateOf("ev4", child.Pid, cgroup);
        var lines = new List<string>();

        Events.Once(state, lines.Add);

        var line = Assert.Single(lines);
        Assert.StartsWith("{\"type\":\"stats\",\"id\":\"ev4\",\"data\":{\"cpu\":", line, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(line))
        {
            Assert.True(json.RootElement.GetProperty("data").GetProperty("pids").GetProperty("current").GetUInt64() >= 1);
        }

        child.Dispose();
        var e = Assert.Throws<LifecycleException>(() => Events.Once(state, lines.Add));
        Assert.Contains("container not running", e.Message, StringComparison.Ordinal);
        Assert.Contains("ev4", e.Message, StringComparison.Ordinal);
    }

    private static ContainerState StateOf(string id, int pid, TestCgroup cgroup) => new()
    {
        OciVersion = "1.3.0",
        Id = id,
        Bundle = "/nonexistent",
        Rootfs = "/nonexistent/rootfs",
        Status = ContainerStatus.Running,
        Pid = pid,
        PidStartTime = ProcStat.StartTime(pid) ?? throw new InvalidOperationException($"pid {pid} is gone"),
        Cgroup = new Dictionary<string, string>(cgroup.Directories),
    };

    private static List<string> Take(BlockingCollection<string> lines, int count)
    {
        var taken = new List<string>();
        while (taken.Count < count)
        {
            Assert.True(lines.TryTake(out var line, TimeSpan.FromSeconds(10)), $"only {taken.Count} of {count} lines came");
            taken.Add(line);
        }
        return taken;
    }
}
