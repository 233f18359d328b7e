using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>linux.intelRdt through bin/hutch: refused at create with the JSON path and the reason, nothing left.</summary>
public sealed class IntelRdtTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private static bool ResctrlMounted => File.ReadAllText("/proc/self/mountinfo").Contains(" - resctrl ", StringComparison.Ordinal);

    [ContainerFact]
    public void ClosID_alone_is_refused_and_nothing_is_left()
    {
        var id = host.NewId();
        var cgroupsPath = "/hutch-it/" + id;
        var bundle = host.Bundle(c =>
        {
            c.Linux!.CgroupsPath = cgroupsPath;
            c.Linux.IntelRdt = new LinuxIntelRdt { ClosID = "hutch-it-clos" };
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.intelRdt.closID: cannot be applied: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains(ResctrlMounted ? "hutch does not manage resctrl groups yet" : "this host has no resctrl filesystem mounted",
            outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("remove linux.intelRdt from config.json", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
        Assert.False(Directory.Exists("/sys/fs/cgroup/memory" + cgroupsPath), "no cgroup is left");
        Assert.False(Directory.Exists("/sys/fs/resctrl/hutch-it-clos"), "no resctrl group is made");
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void Schemata_and_monitoring_are_refused_too()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Linux!.IntelRdt = new LinuxIntelRdt { Schemata = ["L3:0=ff"], EnableMonitoring = true });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.intelRdt.schemata: cannot be applied: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }
}
