using Hutch.Linux.Cgroups;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The cgroup an exec'd process joins: the container's, or existing sub-cgroups of it named by
/// `exec --cgroup [controller[,controller]:]path` (runc's form; a path with no controller
/// applies to every hierarchy). Null for a container without a cgroup (rootless without a delegated one, or an older hutch's).
/// </summary>
internal static class ExecCgroup
{
    public static Cgroup? Resolve(ContainerState state, IReadOnlyList<string> subCgroups)
    {
        if (ContainerCgroup.Open(state) is not { } cgroup)
        {
            if (subCgroups.Count > 0)
            {
                throw new LifecycleException($"container {state.Id}: --cgroup needs the container's cgroup, and {ContainerCgroup.NoCgroupReason}");
            }
            return null;
        }
        if (subCgroups.Count == 0)
        {
            return cgroup;
        }
        var directories = new Dictionary<string, string>(cgroup.Directories, StringComparer.Ordinal);
        foreach (var entry in subCgroups)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var path = (colon < 0 ? entry : entry[(colon + 1)..]).Trim('/');
            var controllers = colon < 0 ? [.. cgroup.Directories.Keys] : entry[..colon].Split(',');
            if (path.Length == 0 || path.Split('/').Any(part => part is "" or "." or ".."))
            {
                throw new LifecycleException($"--cgroup {entry}: the path must be a sub-cgroup of the container's, without \".\" or \"..\"");
            }
            foreach (var controller in controllers)
            {
                var dir = cgroup.Dir(controller)
                    ?? throw new LifecycleException($"--cgroup {entry}: the container has no {controller} cgroup; use one of {string.Join(", ", cgroup.Directories.Keys)}");
                var sub = Path.Combine(dir, path);
                if (!Directory.Exists(sub))
                {
                    throw new LifecycleException($"--cgroup {entry}: {sub} does not exist; create the sub-cgroup first");
                }
                foreach (var (key, value) in cgroup.Directories)
                {
                    if (value == dir)
                    {
                        directories[key] = sub;
                    }
                }
            }
        }
        return Cgroup.Attach(CgroupLayout.Detect(), directories);
    }
}
