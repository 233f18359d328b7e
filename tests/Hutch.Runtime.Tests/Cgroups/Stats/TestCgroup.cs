using System.Globalization;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>
/// Cgroups a test made on this host: one unique directory per v1 hierarchy asked for
/// (/sys/fs/cgroup/CTRL/NAME) and/or under the cgroup2 mount. Dispose kills what is still
/// inside and removes every directory, even after a failure.
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    public const string CgroupRoot = "/sys/fs/cgroup";
    public const string UnifiedMount = "/sys/fs/cgroup/unified";

    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    private TestCgroup(string name) => Name = name;

    public string Name { get; }

    /// <summary>Controller (or "unified") -> directory, the map CgroupStats reads.</summary>
    public IReadOnlyDictionary<string, string> Directories => _directories;

    /// <summary>Makes the cgroup in each v1 hierarchy named, and under the cgroup2 mount when <paramref name="unified"/>.</summary>
    public static TestCgroup Create(IEnumerable<string> v1Controllers, bool unified = false)
    {
        var cgroup = new TestCgroup(Host.UniqueName("hutchev"));
        try
        {
            foreach (var controller in v1Controllers)
            {
                var dir = Path.Combine(CgroupRoot, controller, cgroup.Name);
                Directory.CreateDirectory(dir);
                cgroup._directories[controller] = dir;
                if (controller == "cpuset")
                {
                    // A new cpuset has no cpus and mems: a task cannot join it until they are set.
                    foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
                    {
                        File.WriteAllText(Path.Combine(dir, file), File.ReadAllText(Path.Combine(CgroupRoot, controller, file)).Trim());
                    }
                }
            }
            if (unified)
            {
                var dir = Path.Combine(UnifiedMount, cgroup.Name);
                Directory.CreateDirectory(dir);
                cgroup._directories["unified"] = dir;
            }
            return cgroup;
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    /// <summary>Moves <paramref name="pid"/> into every directory of this cgroup.</summary>
    public void Add(int pid)
    {
        foreach (var dir in _directories.Values)
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Write(string controller, string file, string value) =>
        File.WriteAllText(Path.Combine(_directories[controller], file), value);

    public string Read(string controller, string file) =>
        File.ReadAllText(Path.Combine(_directories[controller], file));

    public void Dispose()
    {
        foreach (var dir in _directories.Values)
        {
            KillAll(dir);
        }
        foreach (var dir in _directories.Values)
        {
            RemoveDirectory(dir);
        }
    }

    private static void KillAll(string dir)
    {
        try
        {
            foreach (var line in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    try
                    {
                        System.Diagnostics.Process.GetProcessById(pid).Kill();
                    }
                    catch (ArgumentException)
                    {
                        // Already gone.
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }
        }
        catch (IOException)
        {
        }
    }

    private static void RemoveDirectory(string dir)
    {
        // rmdir succeeds once the killed tasks have left (EBUSY until then).
        for (var attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
