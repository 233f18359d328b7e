using Hutch.Linux;
using Hutch.Linux.Cgroups;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups;

/// <summary>
/// The container's cgroup as the lifecycle sees it: where create puts it (linux.cgroupsPath as
/// runc's cgroupfs driver reads it, or the container id), with its limits, and how later
/// commands find it again (the directories recorded in state.json).
/// </summary>
internal static class ContainerCgroup
{
    /// <summary>What commands that need the cgroup say when a container has none.</summary>
    public const string NoCgroupReason =
        "it has no cgroup (it was created rootless where the user may not create cgroups, or by an older hutch)";

    /// <summary>linux.cgroupsPath, or the id when it is empty: runc's default, relative to the runtime's own cgroup.</summary>
    public static string PathFor(ContainerConfig config, string id) =>
        string.IsNullOrEmpty(config.Linux?.CgroupsPath) ? id : config.Linux!.CgroupsPath!;

    /// <summary>
    /// Makes the container's cgroup and applies linux.resources (the default device rules even
    /// without them, as runc). Rootless (runc's rules for its rootless cgroup manager):
    /// <list type="bullet">
    /// <item>without linux.cgroupsPath, a hierarchy the user may not write (no cgroup delegated to
    /// it there) is left out; with none left the container has no cgroup (null) and its processes
    /// stay in hutch's. A limit that needs a hierarchy left out is an error naming it.</item>
    /// <item>with linux.cgroupsPath, the cgroup must be made: a refusal is an error that says how
    /// to delegate one.</item>
    /// <item>device rules the kernel refuses are skipped (CgroupResources).</item>
    /// </list>
    /// On failure removes what it made and throws CgroupException or CgroupResourceException.
    /// </summary>
    public static Cgroup? Create(ContainerConfig config, string id, CgroupLayout layout, bool rootless, Action<string>? warn, Action<string>? debug)
    {
        ArgumentNullException.ThrowIfNull(config);
        var path = PathFor(config, id);
        var resources = config.Linux?.Resources ?? new LinuxResources();
        if (!rootless)
        {
            var cgroup = Cgroup.Create(layout, path);
            ApplyOrRemove(cgroup, layout, resources, rootless: false, warn, debug);
            return cgroup;
        }
        if (!string.IsNullOrEmpty(config.Linux?.CgroupsPath))
        {
            Cgroup cgroup;
            try
            {
                cgroup = Cgroup.Create(layout, path);
            }
            catch (CgroupException e) when (e.Errno is Errno.EACCES or Errno.EPERM or Errno.EROFS)
            {
                throw new CgroupException(
                    $"linux.cgroupsPath `{path}`: rootless hutch cannot create the cgroup: {e.Message}. " +
                    "Set linux.cgroupsPath inside a cgroup delegated to this user (a subtree it owns: systemd's user@UID.service, " +
                    "or one root made and chowned), or leave it empty to run without a cgroup where none is delegated (README.md, \"Rootless\")",
                    e.CgroupPath, e.Value, e.Errno);
            }
            ApplyOrRemove(cgroup, layout, resources, rootless: true, warn, debug);
            return cgroup;
        }

        var allowed = Cgroup.CreateWhereAllowed(layout, path);
        foreach (var (key, refusal) in allowed.Denied)
        {
            debug?.Invoke($"rootless: no {key} cgroup for container {id}: {refusal.Message}");
        }
        try
        {
            RequireHierarchiesForLimits(allowed, layout, resources);
        }
        catch
        {
            allowed.Remove();
            throw;
        }
        if (allowed.Directories.Count == 0)
        {
            if (config.Linux?.Namespaces?.Any(ns => ns.Type == "pid" && string.IsNullOrEmpty(ns.Path)) != true)
            {
                warn?.Invoke($"container {id} runs rootless without a cgroup and without its own pid namespace: " +
                    "hutch cannot find all of its processes to kill them; add a pid namespace or a delegated cgroup");
            }
            return null;
        }
        ApplyOrRemove(allowed, layout, resources, rootless: true, warn, debug);
        return allowed;
    }

    /// <summary>The container's cgroup from its state, or null when it has none.</summary>
    public static Cgroup? Open(ContainerState state) =>
        state.Cgroup is { Count: > 0 } directories ? Cgroup.Attach(CgroupLayout.Detect(), directories) : null;

    /// <summary>True when the container's cgroup is frozen (`pause`); false without a cgroup.</summary>
    public static bool IsPaused(ContainerState state) => Open(state)?.IsFrozen() == true;

    private static void ApplyOrRemove(Cgroup cgroup, CgroupLayout layout, LinuxResources resources, bool rootless, Action<string>? warn, Action<string>? debug)
    {
        try
        {
            CgroupResources.Apply(cgroup, layout, resources, warn: warn, rootless: rootless, debug: debug);
        }
        catch
        {
            try
            {
                cgroup.Remove();
            }
            catch (CgroupException)
            {
                // The resource error is the one to report; a cgroup that will not go says so at delete.
            }
            throw;
        }
    }

    /// <summary>
    /// A limit whose controller is in a hierarchy the rootless cgroup was left out of cannot be
    /// applied (runc: "cannot set X limit: container could not join or create cgroup").
    /// </summary>
    private static void RequireHierarchiesForLimits(Cgroup cgroup, CgroupLayout layout, LinuxResources resources)
    {
        if (cgroup.Denied.Count == 0)
        {
            return;
        }
        foreach (var write in ResourcePlan.For(resources, layout))
        {
            if (write.Controller == "devices" || cgroup.Dir(write.Controller) is not null)
            {
                continue;
            }
            var key = layout.IsV1(write.Controller) ? write.Controller : CgroupLayout.UnifiedKey;
            var refusal = cgroup.Denied.GetValueOrDefault(key);
            throw new CgroupResourceException(write.JsonPath,
                $"`{write.Value}` cannot be applied: rootless hutch could not create or join the container's {write.Controller} cgroup" +
                (refusal is null ? "" : $" ({refusal.Message})") +
                "; give this user a delegated cgroup and set linux.cgroupsPath to a path inside it (README.md, \"Rootless\"), or remove the limit");
        }
    }
}
