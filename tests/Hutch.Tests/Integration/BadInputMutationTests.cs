using System.Globalization;
using System.Text;
using Hutch.Spec;
using Hutch.Testing;
using Hutch.Tests.Integration.Mutations;
using Xunit.Abstractions;

namespace Hutch.Tests.Integration;

/// <summary>
/// A few hundred bad configs derived from the real ones in tests/data/configs (see
/// <see cref="ConfigMutator"/>): each `create` must exit 1 with a `hutch: ` message, without a
/// crash (no .NET stack trace, no signal), and leave nothing behind: no state directory, no
/// cgroup, no process in the rootfs, no mount. The seed is fixed, so a failure reproduces.
/// </summary>
public sealed class BadInputMutationTests(ContainerHost host, ITestOutputHelper output) : IClassFixture<ContainerHost>
{
    private const int Seed = 13;

    /// <summary>Replaced in each case by a cgroup name of its own, which must not exist after the refusal.</summary>
    private static ReadOnlySpan<byte> CgroupPlaceholder => "cgroup-placeholder"u8;

    [ContainerFact]
    public void Every_mutated_real_config_is_refused_cleanly_and_leaves_nothing()
    {
        var work = Directory.CreateTempSubdirectory("hutch-mutations-").FullName;
        var symlinked = new Dictionary<string, string>(StringComparer.Ordinal);
        var run = Guid.NewGuid().ToString("N")[..8];
        var failures = new List<string>();
        var tried = new Dictionary<string, int>(StringComparer.Ordinal);
        var caseNumber = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Host.RepoRoot, "tests", "data", "configs"), "*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var baseJson = Runnable(file);
                // The control: the base itself creates, so each refusal below is the mutation's doing.
                var control = Create(work, $"{run}-{name}-ok", SetCgroup(Encoding.UTF8.GetBytes(baseJson), $"hutch-mut-{run}-{name}-ok"), (outcome, _) => outcome);
                Assert.True(control.ExitCode == 0, $"{name}: the unmutated base must create: {control}");

                var mutator = new ConfigMutator(baseJson, Seed, spec => SymlinkedRootfs(work, symlinked, spec));
                foreach (var mutation in mutator.All())
                {
                    caseNumber++;
                    var cgroupName = $"hutch-mut-{run}-{caseNumber.ToString(CultureInfo.InvariantCulture)}";
                    var json = SetCgroup(mutation.Json, cgroupName);
                    tried[mutation.Family] = tried.GetValueOrDefault(mutation.Family) + 1;
                    var what = $"{name}: {mutation.Family}: {mutation.Description}";
                    Dump(caseNumber, name, mutation, json);
                    var failure = Create(work, $"{run}-{caseNumber.ToString(CultureInfo.InvariantCulture)}", json,
                        (outcome, id) => (Problem(outcome, id, "/" + cgroupName) ?? Unnamed(mutation.Family, outcome)) is { } problem
                            ? $"{what}: {problem}: {Short(outcome.ToString())}"
                            : null);
                    if (failure is not null)
                    {
                        failures.Add(failure);
                    }
                }
            }

            output.WriteLine($"{caseNumber} mutated configs (seed {Seed}): " +
                             string.Join(", ", tried.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}")));
            Assert.True(caseNumber >= 250, $"only {caseNumber} cases were derived");
            Assert.True(failures.Count == 0, $"{failures.Count} of {caseNumber} bad configs misbehaved:\n" + string.Join("\n", failures));
            Assert.False(host.AnyProcessHoldsRoot(), "a process still holds a file under --root");
            Assert.Empty(ProcessesIn(ContainerHost.Rootfs).Concat(symlinked.Values.SelectMany(ProcessesIn)));
            var mountinfo = File.ReadAllText("/proc/self/mountinfo");
            Assert.DoesNotContain(work, mountinfo, StringComparison.Ordinal);
            Assert.DoesNotContain(ContainerHost.Rootfs, mountinfo, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// With HUTCH_MUTATIONS_DUMP=DIR, each case is also written there (N.json and N.txt with its
    /// family and description), to run other runtimes on the same cases; the test is unchanged.
    /// </summary>
    private static void Dump(int caseNumber, string baseName, MutatedConfig mutation, byte[] json)
    {
        if (Environment.GetEnvironmentVariable("HUTCH_MUTATIONS_DUMP") is not { Length: > 0 } directory)
        {
            return;
        }
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, caseNumber.ToString("D4", CultureInfo.InvariantCulture));
        File.WriteAllBytes(stem + ".json", json);
        File.WriteAllText(stem + ".txt", $"{baseName}\t{mutation.Family}\t{mutation.Description}\n");
    }

    /// <summary>
    /// For the families with a message of their own, null when the message names the defect
    /// (not, say, "expected a string" for invalid UTF-8).
    /// </summary>
    private static string? Unnamed(string family, Outcome outcome)
    {
        string[] expected = family switch
        {
            "nul" => ["holds a NUL character"],
            "utf8" => ["is not valid UTF-8 text"],
            "duplicate" => ["appears twice in the same object", "is already listed at", "is already set by"],
            "symlink" => ["is a symlink"],
            _ => [],
        };
        return expected.Length == 0 || expected.Any(e => outcome.Stderr.Contains(e, StringComparison.Ordinal))
            ? null
            : $"the message does not say \"{expected[0]}\"";
    }

    /// <summary>What is wrong with a refused create's outcome, or null when it behaved.</summary>
    private string? Problem(Outcome outcome, string id, string cgroupPath)
    {
        if (outcome.ExitCode != 1)
        {
            return outcome.ExitCode == 0 ? "accepted" : $"exit {outcome.ExitCode} (a signal or a crash)";
        }
        if (!outcome.Stderr.StartsWith("hutch: ", StringComparison.Ordinal))
        {
            return "no `hutch: ` message";
        }
        foreach (var crash in new[] { "Unhandled exception", "   at ", "System.", "Exception:", "(Parameter '" })
        {
            if (outcome.Stderr.Contains(crash, StringComparison.Ordinal))
            {
                return $"the message has {crash.Trim()}";
            }
        }
        if (outcome.Stderr.Length > 4096)
        {
            return $"a {outcome.Stderr.Length}-character message";
        }
        if (Directory.Exists(Path.Combine(host.Root, id)))
        {
            return "left its state directory " + Path.Combine(host.Root, id);
        }
        if (CgroupDirectories(cgroupPath).FirstOrDefault() is { } cgroup)
        {
            return "left the cgroup " + cgroup;
        }
        return null;
    }

    /// <summary>
    /// Runs `create` on <paramref name="json"/>; <paramref name="judge"/> looks at the outcome
    /// while any leftovers are still there; a container that was created is deleted after.
    /// </summary>
    private T Create<T>(string work, string id, byte[] json, Func<Outcome, string, T> judge)
    {
        var bundle = Path.Combine(work, "bundle-" + id);
        Directory.CreateDirectory(bundle);
        File.WriteAllBytes(Path.Combine(bundle, "config.json"), json);
        var containerId = "mut-" + id;
        Outcome? outcome = null;
        try
        {
            outcome = host.Hutch("create", "--bundle", bundle, containerId);
            return judge(outcome, containerId);
        }
        finally
        {
            if (outcome?.ExitCode != 1)
            {
                host.Hutch("delete", "--force", containerId);
            }
            Directory.Delete(bundle, recursive: true);
        }
    }

    /// <summary>
    /// A real config made runnable here: only the fields hutch knows (a round trip through the
    /// model), the busybox rootfs, `true` without a terminal, no hooks, labels or profiles of the
    /// capturing machine, no namespace paths, and only the bind mounts whose source exists.
    /// </summary>
    private static string Runnable(string file)
    {
        var config = ConfigJson.Load(file);
        config.Root = new Root { Path = ContainerHost.Rootfs };
        config.Process!.Terminal = false;
        config.Process.Args = ["true"];
        config.Process.ApparmorProfile = null;
        config.Process.SelinuxLabel = null;
        config.Hooks = null;
        config.Mounts = config.Mounts?.Where(m => !(m.Type == "bind" || m.Options?.Contains("bind") == true || m.Options?.Contains("rbind") == true)
                                                   || Path.Exists(m.Source)).ToList();
        if (config.Linux is { } linux)
        {
            linux.MountLabel = null;
            linux.Namespaces = linux.Namespaces?.Select(n => new LinuxNamespace { Type = n.Type }).ToList();
        }
        (config.Linux ??= new Spec.Linux()).CgroupsPath = "/" + Encoding.UTF8.GetString(CgroupPlaceholder);
        return ConfigJson.Serialize(config);
    }

    /// <summary>The case's own cgroup in place of the placeholder, in the bytes (some cases are not valid JSON).</summary>
    private static byte[] SetCgroup(byte[] json, string name)
    {
        var at = json.AsSpan().IndexOf(CgroupPlaceholder);
        return at < 0 ? json : [.. json.AsSpan(0, at), .. Encoding.UTF8.GetBytes(name), .. json.AsSpan(at + CgroupPlaceholder.Length)];
    }

    /// <summary>A copy of the busybox rootfs with one entry replaced by a symlink ("proc=/tmp"), made once.</summary>
    private static string SymlinkedRootfs(string work, Dictionary<string, string> made, string spec)
    {
        if (made.TryGetValue(spec, out var existing))
        {
            return existing;
        }
        var (entry, target) = (spec[..spec.IndexOf('=', StringComparison.Ordinal)], spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var rootfs = Path.Combine(work, "rootfs-" + made.Count.ToString(CultureInfo.InvariantCulture));
        ContainerHost.HostCommand("/bin/cp", "-a", ContainerHost.Rootfs, rootfs);
        Directory.Delete(Path.Combine(rootfs, entry));
        File.CreateSymbolicLink(Path.Combine(rootfs, entry), target);
        made[spec] = rootfs;
        return rootfs;
    }

    /// <summary>The directories of <paramref name="cgroupPath"/> under every mounted hierarchy that exist.</summary>
    private static IEnumerable<string> CgroupDirectories(string cgroupPath)
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 0 || fields[separator + 1] is not ("cgroup" or "cgroup2"))
            {
                continue;
            }
            var directory = fields[4] + cgroupPath;
            if (Directory.Exists(directory))
            {
                yield return directory;
            }
        }
    }

    /// <summary>Pids whose root directory is <paramref name="rootfs"/> (a container init left running).</summary>
    private static IEnumerable<string> ProcessesIn(string rootfs)
    {
        var found = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            try
            {
                if (new FileInfo(Path.Combine(proc, "root")).LinkTarget is { } root &&
                    (root == rootfs || root.StartsWith(rootfs + "/", StringComparison.Ordinal)))
                {
                    found.Add(Path.GetFileName(proc));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static string Short(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
