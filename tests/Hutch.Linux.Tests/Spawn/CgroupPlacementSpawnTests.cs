using Hutch.Linux.Cgroups;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;
using Hutch.Linux.Tests.Cgroups;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>
/// SpawnPlan.Cgroup: the child joins a real cgroup by itself (born in the cgroup2 directory,
/// its thread written into each v1 hierarchy), before it execs anything; /proc/self/cgroup of
/// the exec'd program shows it in every hierarchy, and hutch itself stays where it was.
/// </summary>
public sealed class CgroupPlacementSpawnTests
{
    [CgroupFact]
    public void The_child_is_in_the_cgroup_in_every_hierarchy_before_it_execs() =>
        AssertPlaced(avoidClone3: false, newNamespaces: [], twoStage: false);

    [CgroupFact]
    public void Without_clone3_the_child_joins_cgroup2_through_cgroup_procs() =>
        AssertPlaced(avoidClone3: true, newNamespaces: [], twoStage: false);

    [CgroupFact]
    public void A_two_stage_spawn_with_new_namespaces_places_the_final_child() =>
        AssertPlaced(avoidClone3: false, newNamespaces: [NamespaceKind.Uts], twoStage: true);

    [CgroupFact]
    public void A_cgroup_file_the_child_cannot_write_is_a_spawn_error_naming_it()
    {
        var layout = CgroupLayout.Detect();
        var cgroup = Cgroup.Create(layout, "/" + Host.UniqueName("hutpl"));
        try
        {
            using var placement = cgroup.OpenPlacement();
            // Remove the cgroup under the open files: the child's write then fails (ENODEV).
            cgroup.Remove();
            var e = Assert.Throws<SpawnException>(() => SpawnTestHelpers.Capture(new SpawnPlan
            {
                Path = "/bin/true",
                Envp = [],
                Cgroup = placement,
                AvoidClone3 = true,
            }));
            Assert.Equal(SpawnStep.Cgroup, e.Step);
            Assert.Contains("join the cgroup", e.Message, StringComparison.Ordinal);
            Assert.Contains("cgroup.procs", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                cgroup.Remove();
            }
            catch (CgroupException)
            {
            }
        }
    }

    [CgroupFact(NeedsUnifiedControllers = true)]
    public void A_cgroup2_directory_that_cannot_hold_processes_fails_the_spawn_with_a_hint()
    {
        var layout = CgroupLayout.Detect();
        var cgroup = Cgroup.Create(layout, "/" + Host.UniqueName("hutpl"));
        var child = Path.Combine(cgroup.UnifiedDir!, "child");
        try
        {
            // A controller enabled for its children: cgroup2's no-internal-process rule refuses a process here.
            Directory.CreateDirectory(child);
            var controller = File.ReadAllText(Path.Combine(cgroup.UnifiedDir!, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
            File.WriteAllText(Path.Combine(cgroup.UnifiedDir!, "cgroup.subtree_control"), "+" + controller);
            using var placement = cgroup.OpenPlacement();

            var e = Assert.Throws<SpawnException>(() => SpawnTestHelpers.Capture(new SpawnPlan
            {
                Path = "/bin/true",
                Envp = [],
                Cgroup = placement,
            }));

            Assert.Contains("controllers enabled for its children", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(child))
            {
                Directory.Delete(child);
            }
            cgroup.Remove();
        }
    }

    private static void AssertPlaced(bool avoidClone3, IReadOnlyList<NamespaceKind> newNamespaces, bool twoStage)
    {
        var layout = CgroupLayout.Detect();
        var before = File.ReadAllText("/proc/self/cgroup");
        var cgroup = Cgroup.Create(layout, "/" + Host.UniqueName("hutpl"));
        try
        {
            string output;
            var pidJoin = NamespaceJoin.Open(NamespaceKind.Pid, "/proc/self/ns/pid");
            using (pidJoin.Fd)
            using (var placement = cgroup.OpenPlacement())
            {
                var plan = new SpawnPlan
                {
                    Path = "/bin/cat",
                    Argv = ["cat", "/proc/self/cgroup"],
                    Envp = [],
                    Cgroup = placement,
                    AvoidClone3 = avoidClone3,
                    NewNamespaces = newNamespaces,
                    // Joining a pid namespace (our own) makes the spawn two-stage.
                    JoinNamespaces = twoStage ? [pidJoin] : [],
                };
                Assert.Equal(twoStage, plan.TwoStage);
                var (text, status) = SpawnTestHelpers.Capture(plan);
                Assert.Equal(0, status.ExitCode);
                output = text;
            }

            var name = Path.GetFileName(cgroup.Directories.Values.First());
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var hierarchy = line.Split(':')[1];
                var covered = hierarchy.Length == 0
                    ? cgroup.UnifiedDir is not null
                    : hierarchy.Split(',').Any(controller => cgroup.Directories.ContainsKey(controller.Replace("name=", "", StringComparison.Ordinal)));
                if (covered)
                {
                    Assert.EndsWith("/" + name, line, StringComparison.Ordinal);
                }
            }
            Assert.Equal(before, File.ReadAllText("/proc/self/cgroup"));
        }
        finally
        {
            cgroup.Remove();
        }
    }
}
