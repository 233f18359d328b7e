using Hutch.Linux.Cgroups;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>The warm-up "moves" the process into the cgroup it is already in: nothing changes.</summary>
public sealed class CgroupMigrationWarmupTests
{
    [RootFact]
    public void The_warmup_leaves_the_process_in_its_own_cgroups()
    {
        var before = File.ReadAllText("/proc/self/cgroup");

        CgroupMigrationWarmup.Start();
        CgroupMigrationWarmup.Start(); // a second call in one process does nothing
        Thread.Sleep(200); // the background write waits at most one RCU grace period

        Assert.Equal(before, File.ReadAllText("/proc/self/cgroup"));
    }
}
