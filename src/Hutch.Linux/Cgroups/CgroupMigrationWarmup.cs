using System.Globalization;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Moving a process between cgroups takes the kernel's global cgroup_threadgroup_rwsem for
/// writing, and the first writer after a quiet moment waits for an RCU grace period (5 to 15 ms
/// on this VM; a second migration right after costs 0.1 ms). The CLI starts this as soon as it
/// sees a command that will place a process (create, run, exec), before it even parses the
/// command line: on a background thread, hutch "moves" itself into the cgroup it is already in
/// (a no-op the kernel still locks for), so the grace period passes while hutch parses, copies
/// and spawns, and the real placement a few milliseconds later finds the lock warm. Any failure
/// is ignored: the placement then simply pays the wait itself.
/// </summary>
internal static class CgroupMigrationWarmup
{
    private static int started;

    /// <summary>Starts the warm-up once per process; later calls do nothing.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref started, 1) != 0)
        {
            return;
        }
        var thread = new Thread(() =>
        {
            if (OwnProcsFile() is { } target)
            {
                CgroupFile.TryWrite(target, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            }
        })
        {
            IsBackground = true,
            Name = "cgroup warmup",
        };
        thread.Start();
    }

    // cgroup.procs of hutch's own cgroup in one hierarchy (the lock is global: any one will do).
    private static string? OwnProcsFile()
    {
        try
        {
            var layout = CgroupLayout.Detect();
            var own = CgroupPaths.ParseProcCgroup(File.ReadAllText("/proc/self/cgroup"));
            var (mount, key) = layout.UnifiedMount is { } unified
                ? (unified, CgroupLayout.UnifiedKey)
                : layout.V1Mounts.Select(m => (m.Value, m.Key)).FirstOrDefault();
            return mount is not null && own.TryGetValue(key, out var path)
                ? Path.Combine(mount, path.TrimStart('/'), "cgroup.procs")
                : null;
        }
        catch (Exception e) when (e is IOException or CgroupException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
