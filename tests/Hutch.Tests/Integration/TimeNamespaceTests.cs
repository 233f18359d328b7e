using System.Globalization;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>linux.timeOffsets: the container's clocks run ahead by the offsets from its first instruction.</summary>
public sealed class TimeNamespaceTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private const long Day = 86400;

    [ContainerFact]
    public void Boottime_and_monotonic_offsets_apply_inside_the_container()
    {
        var hostUptime = Uptime(File.ReadAllText("/proc/uptime"));
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "time" });
            c.Linux.TimeOffsets = new Dictionary<string, LinuxTimeOffset>
            {
                ["boottime"] = new() { Secs = Day },
                ["monotonic"] = new() { Secs = Day, Nanosecs = 500 },
            };
            c.Process!.Args = ["sh", "-c", "cat /proc/uptime /proc/self/timens_offsets; readlink /proc/self/ns/time"];
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // /proc/uptime follows CLOCK_BOOTTIME, which the boottime offset moves.
        Assert.True(Uptime(lines[0]) >= hostUptime + Day, $"uptime inside {lines[0]}, on the host {hostUptime}");
        var offsets = lines.Skip(1).Take(2).Select(Squeeze).ToList();
        Assert.Contains("monotonic 86400 500", offsets);
        Assert.Contains("boottime 86400 0", offsets);
        Assert.NotEqual(new FileInfo("/proc/self/ns/time").LinkTarget, lines[3]);
    }

    [ContainerFact]
    public void A_time_namespace_without_offsets_has_zero_offsets()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "time" });
            c.Process!.Args = ["sh", "-c", "cat /proc/self/timens_offsets; readlink /proc/self/ns/time"];
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("monotonic 0 0", lines.Select(Squeeze));
        Assert.NotEqual(new FileInfo("/proc/self/ns/time").LinkTarget, lines[^1]);
    }

    [ContainerFact]
    public void Offsets_the_kernel_refuses_fail_create_and_leave_nothing()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "time" });
            // Beyond the kernel's range (about +-146 years).
            c.Linux.TimeOffsets = new Dictionary<string, LinuxTimeOffset> { ["boottime"] = new() { Secs = 1_000_000_000_000_000 } };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("timens_offsets", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }

    private static string Squeeze(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static double Uptime(string procUptime) => double.Parse(procUptime.Split(' ')[0], CultureInfo.InvariantCulture);
}
