using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;
using Hutch.Testing;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>
/// BecomeRoot: a child in a new user namespace, held until the test wrote its maps, runs as
/// uid 0 there with every capability of its bounding set; one joining a user namespace too.
/// </summary>
public class UserNamespaceSpawnTests
{
    private static readonly IdMapEntry[] Map = [new(0, 100000, 65536)];

    private const string Report = "id -u; id -g; grep -E '^(CapEff|Groups):' /proc/self/status; cat /proc/self/uid_map /proc/self/gid_map; readlink /proc/self/ns/user";

    [RootFact]
    public void A_child_in_a_new_user_namespace_becomes_its_root_with_full_capabilities()
    {
        var (output, status) = HeldCapture(
            new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", Report],
                NewNamespaces = [NamespaceKind.User],
                BecomeRoot = true,
                ClearGroups = true,
            },
            pid => IdMap.Write(pid, Map, Map, privileged: true));

        Assert.True(status.ExitCode == 0, $"exit {status}: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
        Assert.Equal("0", lines[0]);
        Assert.Equal("0", lines[1]);
        Assert.Equal("CapEff:\t" + FullCapabilitySet(), lines.Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal)));
        Assert.Equal("Groups:", lines.Single(l => l.StartsWith("Groups:", StringComparison.Ordinal)).Trim());
        Assert.Equal(2, lines.Count(l => Squeeze(l) == "0 100000 65536"));
        Assert.NotEqual(OwnNamespace(NamespaceKind.User), lines[^1]);
    }

    [RootFact]
    public void Without_BecomeRoot_the_mapped_child_stays_unmapped_and_powerless()
    {
        var (output, status) = HeldCapture(
            new SpawnPlan { Path = "/bin/busybox", Argv = ["sh", "-c", Report], NewNamespaces = [NamespaceKind.User] },
            pid => IdMap.Write(pid, Map, Map, privileged: true));

        Assert.Equal(0, status.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("65534", lines[0]);
        Assert.Equal("CapEff:\t0000000000000000", lines.Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal)));
    }

    [RootFact]
    public void A_child_joining_a_user_namespace_becomes_its_root()
    {
        // A holder process owns the namespace; the test writes its maps, then joins it.
        using var holderSync = new SyncPipe();
        using var holder = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/busybox",
            Argv = ["sleep", "30"],
            NewNamespaces = [NamespaceKind.User],
            SyncFd = holderSync.ChildEnd,
        });
        try
        {
            holderSync.ChildEnd.Dispose();
            IdMap.Write(holder.Pid, Map, Map, privileged: true);
            holderSync.Release();
            holder.WaitForExec();

            var join = NamespaceJoin.Open(NamespaceKind.User, NamespaceKind.User.ProcPath(holder.Pid));
            using var joinFd = join.Fd;
            var (output, status) = Capture(new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", Report],
                JoinNamespaces = [join],
                BecomeRoot = true,
                ClearGroups = true,
            });
            Assert.True(status.ExitCode == 0, $"exit {status}: {output}");
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("0", lines[0]);
            Assert.Equal(NamespaceOf(holder.Pid, NamespaceKind.User), lines[^1]);
            Assert.Equal("CapEff:\t" + FullCapabilitySet(), lines.Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal)));
        }
        finally
        {
            holder.Kill(Libc.SIGKILL);
            holder.WaitForExit();
        }
    }

    [RootFact]
    public void Namespaces_created_with_a_joined_user_namespace_are_owned_by_it()
    {
        using var holderSync = new SyncPipe();
        using var holder = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/busybox",
            Argv = ["sleep", "30"],
            NewNamespaces = [NamespaceKind.User],
            SyncFd = holderSync.ChildEnd,
        });
        try
        {
            holderSync.ChildEnd.Dispose();
            IdMap.Write(holder.Pid, Map, Map, privileged: true);
            holderSync.Release();
            holder.WaitForExec();

            var join = NamespaceJoin.Open(NamespaceKind.User, NamespaceKind.User.ProcPath(holder.Pid));
            using var joinFd = join.Fd;
            // Mounting needs CAP_SYS_ADMIN over the owner of the new mount namespace: only
            // when it was created after the join (two stages) is that the joined namespace.
            var (output, status) = Capture(new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", "mount -t tmpfs hutch-uns /tmp && grep -c hutch-uns /proc/self/mounts && id -u"],
                JoinNamespaces = [join],
                NewNamespaces = [NamespaceKind.Mount, NamespaceKind.Network],
                BecomeRoot = true,
            });
            Assert.True(status.ExitCode == 0, $"exit {status}: {output}");
            Assert.Equal("1\n0\n", output);
        }
        finally
        {
            holder.Kill(Libc.SIGKILL);
            holder.WaitForExit();
        }
    }

    [RootFact]
    public void Becoming_root_without_a_map_fails_with_the_SetId_step_and_no_exec()
    {
        var marker = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-uns"));
        var error = Assert.Throws<SpawnException>(() => HeldCapture(
            new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["touch", marker],
                NewNamespaces = [NamespaceKind.User],
                BecomeRoot = true,
            },
            _ => { }));
        Assert.Equal(SpawnStep.SetId, error.Step);
        Assert.Equal(Errno.EINVAL, error.ErrorNumber);
        Assert.Contains("setresgid(0, 0, 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("not mapped", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void BecomeRoot_needs_a_user_namespace_and_ClearGroups_needs_BecomeRoot()
    {
        var noUserNs = Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan { Path = "/bin/true", BecomeRoot = true }));
        Assert.Contains("user namespace", noUserNs.Message, StringComparison.Ordinal);
        var alone = Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.User],
            ClearGroups = true,
        }));
        Assert.Contains("BecomeRoot", alone.Message, StringComparison.Ordinal);
    }

    /// <summary>Spawns held on a sync pipe with stdout on a pipe, runs <paramref name="whileHeld"/>, releases, collects.</summary>
    private static (string Output, ExitStatus Status) HeldCapture(SpawnPlan plan, Action<int> whileHeld)
    {
        Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
        using (readEnd)
        using (var sync = new SyncPipe())
        {
            SpawnedProcess process;
            using (writeEnd)
            {
                process = Spawner.Spawn(new SpawnPlan
                {
                    Path = plan.Path,
                    Argv = plan.Argv,
                    NewNamespaces = plan.NewNamespaces,
                    BecomeRoot = plan.BecomeRoot,
                    ClearGroups = plan.ClearGroups,
                    SyncFd = sync.ChildEnd,
                    Fds = [new FdMapping(writeEnd, 1)],
                });
            }
            using (process)
            {
                sync.ChildEnd.Dispose();
                try
                {
                    whileHeld(process.Pid);
                    sync.Release();
                    process.WaitForExec();
                }
                catch
                {
                    WaitWithDeadline(process);
                    throw;
                }
                var output = new StringBuilder();
                var buffer = new byte[4096];
                int n;
                while ((n = Libc.Read(readEnd, buffer)) > 0)
                {
                    output.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
                return (output.ToString(), WaitWithDeadline(process));
            }
        }
    }

    /// <summary>Every capability this kernel knows, as /proc/PID/status prints it: a new (or joined) user namespace's root has them all.</summary>
    private static string FullCapabilitySet()
    {
        var last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return ((1UL << (last + 1)) - 1).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Squeeze(string line) =>
        string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
