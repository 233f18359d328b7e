using System.Text;
using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Seccomp;
using Hutch.Linux.Spawn;
using Hutch.Testing;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>
/// SpawnPlan.ProcessSetup (the `hutch exec` stage, native/procsetup.c): the child sets its user,
/// groups, capabilities, cwd, umask, no_new_privs and seccomp itself after the sync byte, joins a
/// held "container"'s namespaces (user and pid included, two stages), and failures come back as
/// SpawnExceptions naming the step.
/// </summary>
public class ProcessSetupSpawnTests
{
    private const int NetRaw = 13, Chown = 0;
    private static readonly IdMapEntry[] Map = [new(0, 100000, 65536)];

    private static uint[] Words(CapabilitySet effective, CapabilitySet permitted, CapabilitySet inheritable)
    {
        var words = new uint[6];
        ThreadCapabilities.ToWords(effective, permitted, inheritable, words);
        return words;
    }

    /// <summary>What the test host itself holds (a VM's root may lack some capabilities).</summary>
    private static CapabilitySet Held()
    {
        Assert.Equal(0, ThreadCapabilities.Get(out _, out var permitted, out _));
        return permitted;
    }

    private static string Field(string output, string name) =>
        output.Split('\n').Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    [RootFact]
    public void The_child_takes_the_user_groups_capabilities_cwd_umask_and_no_new_privs_it_was_given()
    {
        var net = CapabilitySet.Empty.With(NetRaw);
        var (output, status) = HeldCapture(new SpawnPlan
        {
            Path = "/bin/busybox",
            Argv = ["sh", "-c", "cat /proc/self/status; echo cwd=$(pwd); echo umask=$(umask)"],
            ProcessSetup = new ProcessSetup
            {
                Uid = 1234,
                Gid = 2345,
                AdditionalGids = [10, 20],
                Umask = 0x17, // 027
                Cwd = "/tmp",
                Bounding = net.With(Chown),
                Capabilities = Words(net, net, net),
                Ambient = net,
                LastCapability = ThreadCapabilities.LastCapability(),
                NoNewPrivileges = true,
            },
        });

        Assert.True(status.ExitCode == 0, $"{status}: {output}");
        Assert.Equal("1234\t1234\t1234\t1234", Field(output, "Uid"));
        Assert.Equal("2345\t2345\t2345\t2345", Field(output, "Gid"));
        Assert.Equal("10 20", Field(output, "Groups"));
        Assert.Equal("0000000000002000", Field(output, "CapEff"));
        Assert.Equal("0000000000002000", Field(output, "CapPrm"));
        Assert.Equal("0000000000002000", Field(output, "CapAmb"));
        Assert.Equal("0000000000002001", Field(output, "CapBnd"));
        Assert.Equal("1", Field(output, "NoNewPrivs"));
        Assert.Contains("cwd=/tmp\n", output, StringComparison.Ordinal);
        Assert.Contains("umask=0027\n", output, StringComparison.Ordinal);
    }

    [RootFact]
    public void The_seccomp_program_given_applies_to_the_child()
    {
        var program = SeccompCompiler.Compile(new SeccompFilter
        {
            DefaultAction = SeccompActions.Allow,
            Rules = [new SeccompRule("mkdirat", SeccompActions.Errno(1), []), new SeccompRule("mkdir", SeccompActions.Errno(1), [])],
        });
        var dir = Path.Combine(Path.GetTempPath(), Host.UniqueName("hps"));
        try
        {
            var (output, status) = HeldCapture(new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", $"mkdir {dir} 2>&1; echo rc=$?; grep Seccomp: /proc/self/status"],
                ProcessSetup = new ProcessSetup
                {
                    Cwd = "/",
                    Bounding = Held(),
                    Capabilities = Words(Held(), Held(), CapabilitySet.Empty),
                    LastCapability = ThreadCapabilities.LastCapability(),
                    Seccomp = program,
                },
            });
            Assert.True(status.ExitCode == 0, $"{status}: {output}");
            Assert.Contains("Operation not permitted", output, StringComparison.Ordinal);
            Assert.Contains("rc=1", output, StringComparison.Ordinal);
            Assert.Equal("2", Field(output, "Seccomp"));
            Assert.False(Directory.Exists(dir));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
    }

    [RootFact]
    public void Only_stdio_and_the_passed_fds_reach_the_program()
    {
        Assert.Equal(0, Libc.Pipe(out var extraRead, out var extraWrite));
        using (extraRead)
        using (extraWrite)
        {
            var (output, status) = HeldCapture(new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", "cd /proc/self/fd && echo *"],
                Fds = [new FdMapping(extraRead, 3)],
                ProcessSetup = Root("/"),
            });
            Assert.True(status.ExitCode == 0, $"{status}: {output}");
            // The shell's own directory fd for the glob may show too; nothing else may.
            var fds = output.Trim().Split(' ').Select(int.Parse).ToList();
            Assert.Equal([0, 1, 2, 3], fds.Take(4));
            Assert.True(fds.Count <= 5, output);
        }
    }

    [RootFact]
    public void The_child_joins_every_namespace_of_a_held_container_user_and_pid_included()
    {
        using var holderSync = new SyncPipe();
        using var holder = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/busybox",
            Argv = ["sleep", "30"],
            NewNamespaces = [NamespaceKind.User, NamespaceKind.Pid, NamespaceKind.Mount, NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Cgroup],
            SyncFd = holderSync.ChildEnd,
            BecomeRoot = true,
        });
        var joins = new List<NamespaceJoin>();
        try
        {
            holderSync.ChildEnd.Dispose();
            IdMap.Write(holder.Pid, Map, Map, privileged: true);
            holderSync.Release();
            holder.WaitForExec();

            var kinds = new[] { NamespaceKind.User, NamespaceKind.Pid, NamespaceKind.Mount, NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Cgroup };
            joins.AddRange(kinds.Select(kind => NamespaceJoin.Open(kind, kind.ProcPath(holder.Pid))));
            var (output, status) = HeldCapture(new SpawnPlan
            {
                Path = "/bin/busybox",
                Argv = ["sh", "-c", "for n in user pid mnt uts ipc net cgroup; do echo $n $(readlink /proc/self/ns/$n); done; echo uid=$(id -u)"],
                JoinNamespaces = joins,
                ProcessSetup = Root("/"),
            });

            Assert.True(status.ExitCode == 0, $"{status}: {output}");
            foreach (var kind in kinds)
            {
                Assert.Contains($"{kind.ProcFileName()} {NamespaceOf(holder.Pid, kind)}\n", output, StringComparison.Ordinal);
            }
            Assert.Contains("uid=0\n", output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var join in joins)
            {
                join.Fd.Dispose();
            }
            holder.Kill(Libc.SIGKILL);
            holder.WaitForExit();
        }
    }

    [RootFact]
    public void A_missing_cwd_fails_the_spawn_at_the_chdir_step_without_exec()
    {
        var missing = "/" + Host.UniqueName("nocwd");
        var failure = Assert.Throws<SpawnException>(() => HeldCapture(new SpawnPlan
        {
            Path = "/bin/busybox",
            Argv = ["true"],
            ProcessSetup = Root(missing),
        }));
        Assert.Equal(SpawnStep.ProcessSetup, failure.Step);
        Assert.Equal(Errno.ENOENT, failure.ErrorNumber);
        Assert.Contains($"chdir to \"{missing}\"", failure.Message, StringComparison.Ordinal);
    }

    private static ProcessSetup Root(string cwd) => new()
    {
        Cwd = cwd,
        Bounding = Held(),
        Capabilities = Words(Held(), Held(), CapabilitySet.Empty),
        LastCapability = ThreadCapabilities.LastCapability(),
    };

    /// <summary>Spawns held on a sync pipe with stdout on a pipe, releases it, and returns what it printed.</summary>
    private static (string Output, ExitStatus Status) HeldCapture(SpawnPlan plan)
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
                    JoinNamespaces = plan.JoinNamespaces,
                    Fds = [.. plan.Fds, new FdMapping(writeEnd, 1)],
                    SyncFd = sync.ChildEnd,
                    ProcessSetup = plan.ProcessSetup,
                });
            }
            using (process)
            {
                sync.ChildEnd.Dispose();
                sync.Release();
                process.WaitForExec();
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
}
