using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>Removing the cgroup's directories.</summary>
internal sealed partial class Cgroup
{
    // Processes killed a moment ago leave the cgroup asynchronously; rmdir says EBUSY until then.
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Removes the directories this cgroup owns (those Create made, or an attached cgroup's leaves),
    /// deepest first: each leaf after any sub-cgroups inside it; a parent Create made only if empty. EBUSY is retried for about a second;
    /// a directory already gone is fine. Throws CgroupException naming what is left and why.
    /// </summary>
    public void Remove()
    {
        var deadline = DateTime.UtcNow + BusyRetry;
        var failures = new List<CgroupException>();
        var deepestFirst = _owned.Distinct(StringComparer.Ordinal)
            .OrderByDescending(dir => dir.Count(c => c == '/'))
            .ToList();
        var leaves = DistinctDirectories().ToHashSet(StringComparer.Ordinal);
        foreach (var dir in deepestFirst)
        {
            if (leaves.Contains(dir))
            {
                RemoveTree(dir, deadline, failures);
            }
            else
            {
                // A parent Create made (mkdir -p) may hold other containers' cgroups by now (podman's
                // libpod_parent, a shared prefix): it goes only when empty, and is never recursed into.
                _ = Libc.RemoveDirectory(dir);
            }
        }
        if (failures.Count == 1)
        {
            throw failures[0];
        }
        if (failures.Count > 1)
        {
            throw new CgroupException(
                string.Join("; ", failures.Select(f => f.Message)), failures[0].CgroupPath, null, failures[0].Errno);
        }
    }

    private static void RemoveTree(string dir, DateTime deadline, List<CgroupException> failures)
    {
        foreach (var child in SubDirectories(dir))
        {
            RemoveTree(child, deadline, failures);
        }
        while (true)
        {
            var rc = Libc.RemoveDirectory(dir);
            if (rc == 0 || rc == -Errno.ENOENT)
            {
                return;
            }
            if (rc == -Errno.EBUSY && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
                continue;
            }
            failures.Add(CgroupException.ForOperation("remove", dir, -rc, RemoveHint(dir, -rc)));
            return;
        }
    }

    private static string RemoveHint(string dir, int errno)
    {
        if (errno != Errno.EBUSY)
        {
            return "run as root with the cgroup filesystem mounted read-write";
        }
        var pids = CgroupFile.ReadPids(Path.Combine(dir, "cgroup.procs")).ToList();
        return pids.Count > 0
            ? $"processes are still inside ({string.Join(", ", pids)}): kill them, then retry"
            : "it still has sub-cgroups or its processes are still exiting: retry";
    }
}
