using System.Globalization;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;
using Hutch.Testing;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>Time namespace offsets: written by the intermediate child before the program is born inside.</summary>
public class TimeNamespaceSpawnTests
{
    private const long Day = 86400;

    [RootFact]
    public void The_program_runs_in_a_time_namespace_with_the_offsets_written()
    {
        var hostUptime = Uptime(File.ReadAllText("/proc/uptime"));
        var (output, status) = Capture(new SpawnPlan
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "cat /proc/uptime /proc/self/timens_offsets; readlink /proc/self/ns/time"],
            NewNamespaces = [NamespaceKind.Time],
            TimeOffsets = new Dictionary<string, (long, uint)> { ["boottime"] = (Day, 0), ["monotonic"] = (2 * Day, 5) },
        });

        Assert.Equal(0, status.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Uptime(lines[0]) >= hostUptime + Day, $"uptime inside {lines[0]}, host {hostUptime}");
        var offsets = lines.Skip(1).Take(2).Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Contains("monotonic 172800 5", offsets);
        Assert.Contains("boottime 86400 0", offsets);
        Assert.NotEqual(OwnNamespace(NamespaceKind.Time), lines[3]);
    }

    [RootFact]
    public void Offsets_combine_with_other_new_namespaces_and_a_held_child()
    {
        using var sync = new SyncPipe();
        using var process = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.Time, NamespaceKind.Pid, NamespaceKind.Uts],
            TimeOffsets = new Dictionary<string, (long, uint)> { ["monotonic"] = (Day, 0) },
            SyncFd = sync.ChildEnd,
        });
        sync.ChildEnd.Dispose();
        try
        {
            Assert.NotEqual(OwnNamespace(NamespaceKind.Time), NamespaceOf(process.Pid, NamespaceKind.Time));
            Assert.NotEqual(OwnNamespace(NamespaceKind.Pid), NamespaceOf(process.Pid, NamespaceKind.Pid));
            Assert.Contains("monotonic", File.ReadAllText($"/proc/{process.Pid}/timens_offsets"), StringComparison.Ordinal);
        }
        finally
        {
            sync.Release();
        }
        process.WaitForExec();
        Assert.Equal(0, WaitWithDeadline(process).ExitCode);
    }

    [RootFact]
    public void An_offset_the_kernel_refuses_is_reported_as_the_time_namespace_step()
    {
        // Kernel limit: offsets within about +-146 years (KTIME_SEC_MAX / 2); 10^12 s is beyond it.
        var error = Assert.Throws<SpawnException>(() => Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.Time],
            TimeOffsets = new Dictionary<string, (long, uint)> { ["boottime"] = (1_000_000_000_000_000, 0) },
        }));
        Assert.Equal(SpawnStep.TimeNs, error.Step);
        Assert.Contains("timens_offsets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_without_a_new_time_namespace_or_for_another_clock_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            TimeOffsets = new Dictionary<string, (long, uint)> { ["monotonic"] = (1, 0) },
        }));
        Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.Time],
            TimeOffsets = new Dictionary<string, (long, uint)> { ["realtime"] = (1, 0) },
        }));
    }

    [Fact]
    public void Offsets_are_rendered_one_line_per_clock_in_name_order()
    {
        var plan = new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.Time],
            TimeOffsets = new Dictionary<string, (long, uint)> { ["monotonic"] = (-5, 7), ["boottime"] = (Day, 0) },
        };
        Assert.Equal("boottime 86400 0\nmonotonic -5 7\n", plan.RenderedTimeOffsets);
        Assert.True(plan.TwoStage);
        Assert.Equal(0UL, plan.CloneFlags);
    }

    private static double Uptime(string procUptime) =>
        double.Parse(procUptime.Split(' ')[0], CultureInfo.InvariantCulture);
}
