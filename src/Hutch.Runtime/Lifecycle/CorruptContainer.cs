using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `delete --force` of a container whose state.json cannot be read (truncated, not JSON, wrong
/// types, not a file...): the pid and the cgroup it recorded are lost, but the copy of config.json
/// create left beside it still says where the cgroup is. Every process in that cgroup is killed
/// (the init was born in it), the cgroup removed, then the directory. runc 1.1.5 refuses
/// ("invalid character ...") and leaves the init, the cgroup and the directory forever.
/// </summary>
internal static class CorruptContainer
{
    public static void Remove(StateStore store, string id, StateException corrupt, Action<string>? warn)
    {
        var directory = store.DirectoryOf(id);
        warn?.Invoke($"container {id}: {corrupt.Message}; removing it from its config.json copy (its poststop hooks are not run)");
        if (CgroupOf(directory, id, warn) is { } cgroup)
        {
            try
            {
                if (cgroup.Pids().Count > 0)
                {
                    cgroup.Signal(Libc.SIGKILL); // thaws a paused cgroup too
                }
                cgroup.Remove();
            }
            catch (CgroupException e)
            {
                throw new LifecycleException($"cannot delete container {id}: {e.Message}", e);
            }
        }
        store.Remove(id);
    }

    /// <summary>The cgroup create made for the container (the directories that exist), or null.</summary>
    private static Cgroup? CgroupOf(string directory, string id, Action<string>? warn)
    {
        var path = Path.Combine(directory, "config.json");
        ContainerConfig config;
        try
        {
            config = ConfigJson.Load(path);
        }
        catch (Exception e) when (e is ConfigFormatException or IOException or UnauthorizedAccessException)
        {
            warn?.Invoke($"container {id}: its cgroup cannot be found without its config.json: {e.Message}");
            return null;
        }
        var layout = CgroupLayout.Detect();
        var existing = Cgroup.DirectoriesFor(layout, ContainerCgroup.PathFor(config, id))
            .Where(entry => Directory.Exists(entry.Value))
            .ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);
        return existing.Count > 0 ? Cgroup.Attach(layout, existing) : null;
    }
}
