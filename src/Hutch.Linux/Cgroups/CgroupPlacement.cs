using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Open files that let a spawned child join a cgroup by itself (SpawnPlan.Cgroup): the cgroup2
/// directory it is born in (clone3 CLONE_INTO_CGROUP) and that directory's cgroup.procs (the
/// fallback before Linux 5.7), and the `tasks` file of each v1 hierarchy, where the child,
/// single-threaded, writes "0" to move its one thread. Neither way takes the kernel's global
/// cgroup_threadgroup_rwsem for writing, which writing a pid to cgroup.procs does: that waits
/// for an RCU grace period, 5 to 20 ms on this VM, on the critical path of every create.
/// The kernel checks the opener's credentials (hutch's), so a child already in a new user
/// namespace may still write them.
/// </summary>
internal sealed class CgroupPlacement : IDisposable
{
    private readonly List<string> _threadFileNames;

    private CgroupPlacement(SafeFd? unifiedDirectory, SafeFd? unifiedProcs, string? unifiedProcsName,
        List<SafeFd> threadFiles, List<string> threadFileNames)
    {
        UnifiedDirectory = unifiedDirectory;
        UnifiedProcs = unifiedProcs;
        UnifiedProcsName = unifiedProcsName;
        ThreadFiles = threadFiles;
        _threadFileNames = threadFileNames;
    }

    /// <summary>The cgroup2 directory (O_RDONLY|O_DIRECTORY), or null without a cgroup2 hierarchy.</summary>
    public SafeFd? UnifiedDirectory { get; }

    /// <summary>Its cgroup.procs (O_WRONLY), written by the child only when the clone could not place it.</summary>
    public SafeFd? UnifiedProcs { get; }

    private string? UnifiedProcsName { get; }

    /// <summary>The v1 hierarchies' `tasks` files (O_WRONLY), one per distinct directory.</summary>
    public IReadOnlyList<SafeFd> ThreadFiles { get; }

    /// <summary>Opens the files of <paramref name="unifiedDir"/> (may be null) and <paramref name="v1Dirs"/>; throws CgroupException.</summary>
    public static CgroupPlacement Open(string? unifiedDir, IEnumerable<string> v1Dirs)
    {
        SafeFd? directory = null, procs = null;
        var files = new List<SafeFd>();
        var names = new List<string>();
        try
        {
            if (unifiedDir is not null)
            {
                directory = Open(unifiedDir, Libc.O_RDONLY | Libc.O_DIRECTORY);
                procs = Open(Path.Combine(unifiedDir, "cgroup.procs"), Libc.O_WRONLY);
            }
            foreach (var dir in v1Dirs)
            {
                var name = Path.Combine(dir, "tasks");
                files.Add(Open(name, Libc.O_WRONLY));
                names.Add(name);
            }
            return new CgroupPlacement(directory, procs, unifiedDir is null ? null : Path.Combine(unifiedDir, "cgroup.procs"), files, names);
        }
        catch
        {
            directory?.Dispose();
            procs?.Dispose();
            files.ForEach(file => file.Dispose());
            throw;
        }
    }

    /// <summary>The file a child's HUTCH_STEP_CGROUP report names: index -1 is cgroup2's cgroup.procs.</summary>
    public string FileName(int index) =>
        index >= 0 && index < _threadFileNames.Count ? _threadFileNames[index] : UnifiedProcsName ?? "cgroup.procs";

    public void Dispose()
    {
        UnifiedDirectory?.Dispose();
        UnifiedProcs?.Dispose();
        foreach (var file in ThreadFiles)
        {
            file.Dispose();
        }
    }

    private static SafeFd Open(string path, int flags)
    {
        var rc = Libc.OpenAt(null, path, flags, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new CgroupException($"cgroup: open {path}: {Errno.Describe(-rc)}", path, errno: -rc);
        }
        return fd;
    }
}
