using System.Globalization;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// One container's cgroup: a directory in every v1 hierarchy and in the cgroup2 one. Created
/// from linux.cgroupsPath (<see cref="Create(CgroupLayout, string)"/>) or re-opened from the
/// directories saved in state.json (<see cref="Attach"/>). Freezing and signalling are in
/// Cgroup.Freezer.cs, removal in Cgroup.Remove.cs.
/// </summary>
internal sealed partial class Cgroup
{
    private const uint DirectoryMode = 0x1ED; // 0755

    private readonly CgroupLayout _layout;
    private readonly Dictionary<string, string> _directories;

    // The directories Remove deletes: those Create made (in creation order), or the leaves of an attached cgroup.
    private readonly List<string> _owned;

    private Cgroup(CgroupLayout layout, Dictionary<string, string> directories, List<string> owned)
    {
        _layout = layout;
        _directories = directories;
        _owned = owned;
    }

    /// <summary>Key: a v1 controller ("memory", "cpu", ...) or "unified"; value: the absolute directory.</summary>
    public IReadOnlyDictionary<string, string> Directories => _directories;

    /// <summary>
    /// The hierarchies <see cref="CreateWhereAllowed"/> left out (key as in <see cref="Directories"/>),
    /// each with the refusal; empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, CgroupException> Denied => _denied;

    private readonly Dictionary<string, CgroupException> _denied = new(StringComparer.Ordinal);

    /// <summary>The cgroup2 directory, or null on a pure v1 host.</summary>
    public string? UnifiedDir => _directories.GetValueOrDefault(CgroupLayout.UnifiedKey);

    /// <summary>
    /// Creates (or joins, when it exists) the cgroup at <paramref name="path"/>, linux.cgroupsPath as
    /// runc's cgroupfs driver reads it (absolute: under each hierarchy's root; relative: under the
    /// runtime's own cgroup of each hierarchy on v1 and hybrid hosts, beside it, under its parent, on
    /// a pure cgroup2 host). On v1 and hybrid hosts the named hierarchies (name=systemd) get the same
    /// path, as in runc and crun. Makes the missing directories, remembering which so Remove deletes
    /// exactly those, and enables cgroup2's controllers down to the new cgroup.
    /// On failure removes what it made and throws CgroupException.
    /// </summary>
    public static Cgroup Create(CgroupLayout layout, string path) =>
        Create(layout, path, File.ReadAllText("/proc/self/cgroup"));

    /// <summary>
    /// Like <see cref="Create(CgroupLayout, string)"/>, but a hierarchy where the kernel refuses the
    /// directory or the joining of it for lack of permission (EACCES, EPERM, EROFS: an unprivileged
    /// user outside a cgroup delegated to it) is left out instead of failing: it is absent from
    /// <see cref="Directories"/> and listed, with its error, in <see cref="Denied"/>. Rootless
    /// hutch's way, as runc's rootless cgroup manager does. Other errors still throw.
    /// </summary>
    public static Cgroup CreateWhereAllowed(CgroupLayout layout, string path) =>
        Create(layout, path, File.ReadAllText("/proc/self/cgroup"), skipDenied: true);

    /// <summary><see cref="Create(CgroupLayout, string)"/> with the runtime's /proc/self/cgroup text given.</summary>
    internal static Cgroup Create(CgroupLayout layout, string path, string procSelfCgroup, bool skipDenied = false)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(path);
        var directories = DirectoriesFor(layout, path, procSelfCgroup);
        var named = layout.Mode == CgroupMode.V2 ? [] : layout.NamedMounts.ToList();
        var cgroup = new Cgroup(layout, directories, []);
        try
        {
            foreach (var (controller, mount) in layout.V1Mounts)
            {
                cgroup.MakeHierarchy(controller, mount, copyCpuset: controller == "cpuset", skipDenied);
            }
            foreach (var (name, mount) in named)
            {
                try
                {
                    cgroup.MakeDirectories(mount, directories[name], copyCpuset: false);
                }
                catch (CgroupException)
                {
                    // As runc: a named hierarchy holds no limits, and one the runtime cannot write
                    // (mounted read-only, not delegated) is left alone rather than failing create.
                    directories.Remove(name);
                }
            }
            if (layout.UnifiedMount is not null)
            {
                cgroup.MakeHierarchy(CgroupLayout.UnifiedKey, layout.UnifiedMount, copyCpuset: false, skipDenied);
            }
            return cgroup;
        }
        catch (CgroupException error)
        {
            try
            {
                cgroup.Remove();
            }
            catch (CgroupException cleanup)
            {
                throw new CgroupException(
                    $"{error.Message}; then removing the directories it made failed too: {cleanup.Message}",
                    error.CgroupPath, error.Value, error.Errno);
            }
            throw;
        }
    }

    /// <summary>
    /// The directory of <paramref name="path"/> in each hierarchy, as <see cref="Create(CgroupLayout, string)"/>
    /// resolves it (relative paths under the runtime's own cgroup), without making anything.
    /// </summary>
    public static Dictionary<string, string> DirectoriesFor(CgroupLayout layout, string path) =>
        DirectoriesFor(layout, path, File.ReadAllText("/proc/self/cgroup"));

    private static Dictionary<string, string> DirectoriesFor(CgroupLayout layout, string path, string procSelfCgroup)
    {
        var own = CgroupPaths.ParseProcCgroup(procSelfCgroup);
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (controller, mount) in layout.V1Mounts)
        {
            directories[controller] = CgroupPaths.Resolve(
                mount, layout.V1MountRoots[controller], own.GetValueOrDefault(controller), path);
        }
        var named = layout.Mode == CgroupMode.V2 ? [] : layout.NamedMounts.ToList();
        foreach (var (name, mount) in named)
        {
            directories[name] = CgroupPaths.Resolve(mount, layout.NamedMountRoots[name], own.GetValueOrDefault(name), path);
        }
        if (layout.UnifiedMount is not null)
        {
            directories[CgroupLayout.UnifiedKey] = CgroupPaths.Resolve(
                layout.UnifiedMount, layout.UnifiedMountRoot ?? "/", own.GetValueOrDefault(CgroupLayout.UnifiedKey), path,
                besideOwn: layout.Mode == CgroupMode.V2);
        }
        return directories;
    }

    /// <summary>
    /// The directories from each hierarchy's mount down to its entry in <paramref name="directories"/>
    /// that do not exist now: those a Create would make (a create journals them before making them).
    /// </summary>
    public static List<string> Missing(CgroupLayout layout, IReadOnlyDictionary<string, string> directories)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(directories);
        var mounts = layout.V1Mounts.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        foreach (var (name, mount) in layout.NamedMounts)
        {
            mounts[name] = mount;
        }
        if (layout.UnifiedMount is not null)
        {
            mounts[CgroupLayout.UnifiedKey] = layout.UnifiedMount;
        }
        var missing = new List<string>();
        foreach (var (key, leaf) in directories)
        {
            if (!mounts.TryGetValue(key, out var mount))
            {
                continue;
            }
            var current = mount.TrimEnd('/');
            foreach (var component in leaf[current.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current += "/" + component;
                if (!Directory.Exists(current) && !missing.Contains(current, StringComparer.Ordinal))
                {
                    missing.Add(current);
                }
            }
        }
        return missing;
    }

    /// <summary>The directories this cgroup made (Create), in creation order: what Remove deletes.</summary>
    public IReadOnlyList<string> Made => _owned;

    /// <summary>
    /// Re-opens a cgroup that a create was making: <paramref name="made"/> are the directories it
    /// made (or was about to make), and Remove deletes exactly those as Create's Remove would (a
    /// leaf with its sub-cgroups, a parent only when empty); a leaf it joined stays.
    /// </summary>
    public static Cgroup Reattach(CgroupLayout layout, IReadOnlyDictionary<string, string> directories, IEnumerable<string> made)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(directories);
        return new Cgroup(layout, new Dictionary<string, string>(directories, StringComparer.Ordinal), [.. made]);
    }

    /// <summary>
    /// Re-opens a cgroup from the <see cref="Directories"/> map saved at create. Remove deletes only
    /// the leaf directories (and sub-cgroups inside them), never their parents.
    /// </summary>
    public static Cgroup Attach(CgroupLayout layout, IReadOnlyDictionary<string, string> directories)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(directories);
        var map = new Dictionary<string, string>(directories, StringComparer.Ordinal);
        return new Cgroup(layout, map, map.Values.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The directory holding <paramref name="controller"/>'s files: its v1 hierarchy's, else the
    /// cgroup2 one when the controller is there ("unified" names it directly), else null.
    /// </summary>
    public string? Dir(string controller)
    {
        if (_directories.TryGetValue(controller, out var dir))
        {
            return dir;
        }
        return UnifiedDir is not null && _layout.IsUnified(controller) ? UnifiedDir : null;
    }

    /// <summary>
    /// The files a child being spawned uses to join this cgroup by itself (SpawnPlan.Cgroup), the
    /// fast way: no migration of a whole process. Throws CgroupException.
    /// </summary>
    public CgroupPlacement OpenPlacement() =>
        CgroupPlacement.Open(UnifiedDir, DistinctDirectories().Where(dir => dir != UnifiedDir));

    /// <summary>Moves <paramref name="pid"/> into this cgroup in every hierarchy (cgroup.procs of each).</summary>
    public void AddProcess(int pid)
    {
        var value = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in DistinctDirectories())
        {
            CgroupFile.Write(Path.Combine(dir, "cgroup.procs"), value);
        }
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="file"/> of <paramref name="controller"/>'s directory in one write(2).</summary>
    public void Write(string controller, string file, string value)
    {
        var dir = Dir(controller) ?? throw new CgroupException(
            $"cgroup: write `{value}` to {file}: no hierarchy of this cgroup has the {controller} controller " +
            $"({DescribeLayout()}): drop the setting from config.json or enable the controller on the host",
            file, value);
        CgroupFile.Write(Path.Combine(dir, file), value);
    }

    /// <summary>The text of <paramref name="file"/> in <paramref name="controller"/>'s directory as the kernel gives it; null when it does not exist.</summary>
    public string? Read(string controller, string file)
    {
        var dir = Dir(controller);
        return dir is null ? null : CgroupFile.Read(Path.Combine(dir, file));
    }

    /// <summary>
    /// Every process in the cgroup, sub-cgroups included, read from the cgroup2 directory when there
    /// is one, else from the freezer, pids or first v1 hierarchy.
    /// </summary>
    public IReadOnlyList<int> Pids()
    {
        var dir = UnifiedDir
            ?? _directories.GetValueOrDefault("freezer")
            ?? _directories.GetValueOrDefault("pids")
            ?? _directories.Values.FirstOrDefault();
        var pids = new List<int>();
        if (dir is not null)
        {
            CollectPids(dir, pids);
        }
        return pids.Distinct().ToList();
    }

    private static void CollectPids(string dir, List<int> pids)
    {
        pids.AddRange(CgroupFile.ReadPids(Path.Combine(dir, "cgroup.procs")));
        foreach (var child in SubDirectories(dir))
        {
            CollectPids(child, pids);
        }
    }

    /// <summary>The sub-cgroups of <paramref name="dir"/>; empty when it is gone.</summary>
    private static string[] SubDirectories(string dir)
    {
        try
        {
            return Directory.GetDirectories(dir);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>Each hierarchy's directory once (co-mounted v1 controllers share one).</summary>
    private IEnumerable<string> DistinctDirectories() => _directories.Values.Distinct(StringComparer.Ordinal);

    private string DescribeLayout()
    {
        var v1 = _directories.Keys.Where(k => k != CgroupLayout.UnifiedKey).Order(StringComparer.Ordinal);
        var v2 = UnifiedDir is null ? "none" : string.Join(' ', _layout.UnifiedControllers.Order(StringComparer.Ordinal));
        return $"v1: {string.Join(',', v1)}; cgroup2 controllers: {(v2.Length == 0 ? "none" : v2)}";
    }

    /// <summary>
    /// Makes the directories of one hierarchy (<paramref name="key"/>: a v1 controller or "unified")
    /// and, on cgroup2, enables its controllers down to the leaf. With <paramref name="skipDenied"/>,
    /// a permission refusal, of the directory or of the file a process joins it by, leaves the
    /// hierarchy out (see <see cref="CreateWhereAllowed"/>), removing what it made there.
    /// </summary>
    private void MakeHierarchy(string key, string mount, bool copyCpuset, bool skipDenied)
    {
        var leaf = _directories[key];
        var made = _owned.Count;
        try
        {
            MakeDirectories(mount, leaf, copyCpuset);
            if (key == CgroupLayout.UnifiedKey)
            {
                EnableControllersDownTo(mount, leaf);
            }
            if (skipDenied)
            {
                // Joining is checked apart from making: an existing directory may be someone else's.
                var join = Path.Combine(leaf, key == CgroupLayout.UnifiedKey ? "cgroup.procs" : "tasks");
                var rc = Libc.OpenAt(null, join, Libc.O_WRONLY, 0, out var fd);
                fd.Dispose();
                if (rc < 0)
                {
                    throw CgroupException.ForOperation("join (write access to)", join, -rc,
                        "the directory exists but this user may not move processes into it");
                }
            }
        }
        catch (CgroupException e) when (skipDenied && e.Errno is Errno.EACCES or Errno.EPERM or Errno.EROFS)
        {
            foreach (var dir in _owned.Skip(made).Reverse().ToList())
            {
                _ = Libc.RemoveDirectory(dir);
            }
            _owned.RemoveRange(made, _owned.Count - made);
            _directories.Remove(key);
            _denied[key] = e;
        }
    }

    /// <summary>mkdir each missing directory from <paramref name="mount"/> down to <paramref name="leaf"/>, remembering the new ones.</summary>
    private void MakeDirectories(string mount, string leaf, bool copyCpuset)
    {
        var current = mount.TrimEnd('/');
        foreach (var component in leaf[current.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + component;
            var rc = Libc.MakeDirectory(current, DirectoryMode);
            if (rc == -Errno.EEXIST)
            {
                continue;
            }
            if (rc < 0)
            {
                throw CgroupException.ForOperation("create directory", current, -rc, -rc is Errno.EACCES or Errno.EPERM
                    ? "this user may not create cgroups there: run as root, or give the user a delegated cgroup (a subtree it owns)"
                    : "run as root with the cgroup filesystem mounted read-write, and check the parent's cgroup.max.descendants and cgroup.max.depth");
            }
            _owned.Add(current);
            if (copyCpuset)
            {
                CopyCpusetFromParent(current);
            }
        }
    }

    /// <summary>
    /// A new v1 cpuset starts with empty cpus and mems, and a cpuset without them refuses
    /// processes (ENOSPC); give it its parent's, as runc does (unless clone_children did already).
    /// </summary>
    private static void CopyCpusetFromParent(string dir)
    {
        var parent = Path.GetDirectoryName(dir)!;
        foreach (var name in new[] { "cpus", "mems" })
        {
            // A cpuset hierarchy mounted with noprefix names the files "cpus" and "mems".
            var file = File.Exists(Path.Combine(dir, "cpuset." + name)) ? "cpuset." + name : name;
            var own = CgroupFile.Read(Path.Combine(dir, file));
            if (own is null || own.Trim().Length > 0)
            {
                continue;
            }
            var inherited = CgroupFile.Read(Path.Combine(parent, file))?.Trim();
            if (!string.IsNullOrEmpty(inherited))
            {
                CgroupFile.Write(Path.Combine(dir, file), inherited);
            }
        }
    }

    /// <summary>
    /// Enables, in cgroup.subtree_control of every ancestor of <paramref name="leaf"/> from the
    /// cgroup2 mount down, each controller that ancestor offers, so the leaf gets all of the root's.
    /// A controller the kernel refuses (e.g. a parent with processes, the no-internal-process rule)
    /// is left off, as runc does: writing its settings later fails naming the missing file.
    /// </summary>
    private static void EnableControllersDownTo(string mount, string leaf)
    {
        var current = mount.TrimEnd('/');
        var components = leaf[current.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < components.Length; i++)
        {
            EnableControllers(current);
            current += "/" + components[i];
        }
    }

    private static void EnableControllers(string dir)
    {
        var offered = Words(CgroupFile.Read(Path.Combine(dir, "cgroup.controllers")));
        var subtreeControl = Path.Combine(dir, "cgroup.subtree_control");
        var missing = offered.Except(Words(CgroupFile.Read(subtreeControl))).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        if (CgroupFile.TryWrite(subtreeControl, string.Join(' ', missing.Select(c => "+" + c))) == 0)
        {
            return;
        }
        foreach (var controller in missing)
        {
            _ = CgroupFile.TryWrite(subtreeControl, "+" + controller);
        }
    }

    private static string[] Words(string? text) =>
        text?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
}
