using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Testing;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

public partial class SpawnerTests
{
    private static readonly NamespaceKind[] Created =
        [NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Mount, NamespaceKind.Pid];

    [Fact]
    public void Exit_code_is_propagated()
    {
        using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/sh", Argv = ["sh", "-c", "exit 7"] });
        var status = WaitWithDeadline(process);
        Assert.True(status.Exited);
        Assert.Equal(7, status.ExitCode);
        Assert.Equal(status, process.WaitForExit()); // reaped once, remembered
    }

    [Fact]
    public void A_signal_death_is_reported_as_the_signal()
    {
        using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/sh", Argv = ["sh", "-c", "kill -9 $$"] });
        var status = WaitWithDeadline(process);
        Assert.False(status.Exited);
        Assert.Equal(9, status.Signal);
        Assert.Equal(137, status.ShellCode);
    }

    [Fact]
    public void Kill_sends_the_signal_through_the_pidfd()
    {
        using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/sleep", Argv = ["sleep", "30"] });
        Assert.False(process.PidFd.IsInvalid);
        Assert.False(process.TryWaitForExit(TimeSpan.FromMilliseconds(50), out _));
        Assert.True(process.Kill(Libc.SIGTERM));
        Assert.Equal(Libc.SIGTERM, WaitWithDeadline(process).Signal);
        Assert.False(process.Kill(Libc.SIGTERM)); // reaped: nothing to signal
    }

    [Fact]
    public void A_missing_executable_names_the_path_and_the_errno()
    {
        var path = "/nonexistent/" + Host.UniqueName("prog");
        var error = Assert.Throws<SpawnException>(() => Spawner.Spawn(new SpawnPlan { Path = path }));
        Assert.Equal(SpawnStep.Exec, error.Step);
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Argv_and_environment_reach_the_program_and_nothing_else_is_inherited()
    {
        var (output, status) = Capture(new SpawnPlan
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "echo \"$0|$1|$HUTCH_A|$HOME\"", "zero", "one two"],
            Envp = ["HUTCH_A=ä b"],
        });
        Assert.Equal(0, status.ExitCode);
        Assert.Equal("zero|one two|ä b|", output.TrimEnd('\n'));
    }

    [Fact]
    public void An_fd_mapping_hands_the_program_a_pipe_at_the_chosen_number()
    {
        Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
        using (readEnd)
        {
            using (writeEnd)
            {
                // fd 1 and fd 7 both get the pipe; the program writes to 7.
                var (output, status) = Capture(new SpawnPlan
                {
                    Path = "/bin/sh",
                    Argv = ["sh", "-c", "echo via7 >&7"],
                    Fds = [new FdMapping(writeEnd, 7)],
                });
                Assert.Equal(0, status.ExitCode);
                Assert.Equal("", output);
            }
            var buffer = new byte[64];
            var n = Libc.Read(readEnd, buffer);
            Assert.Equal("via7\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    [Fact]
    public void No_fd_leaks_into_the_child_not_even_one_without_cloexec()
    {
        var leaked = dup(0); // no O_CLOEXEC: the child must close it anyway
        Assert.True(leaked > 2);
        try
        {
            var (output, status) = Capture(new SpawnPlan { Path = "/bin/ls", Argv = ["ls", "/proc/self/fd"] });
            Assert.Equal(0, status.ExitCode);
            var fds = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            // 0-2, plus the directory fd ls itself opened to list /proc/self/fd (the lowest free: 3).
            Assert.Equal([0, 1, 2, 3], fds);
        }
        finally
        {
            Libc.close(leaked);
        }
    }

    [Fact]
    public void Closing_the_sync_fd_without_a_byte_makes_the_child_exit_without_exec()
    {
        var marker = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-sync"));
        using var sync = new SyncPipe();
        using var process = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "touch " + marker],
            SyncFd = sync.ChildEnd,
        });
        sync.ChildEnd.Dispose();
        Assert.False(process.TryWaitForExit(TimeSpan.FromMilliseconds(100), out _)); // held
        sync.Abort();
        var error = Assert.Throws<SpawnException>(process.WaitForExec);
        Assert.Equal(SpawnStep.Sync, error.Step);
        Assert.Contains("without a byte", error.Message, StringComparison.Ordinal);
        Assert.Equal(Libc.HUTCH_SPAWN_CHILD_FAILED, process.WaitForExit().ExitCode);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_released_child_execs()
    {
        using var sync = new SyncPipe();
        using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/sh", Argv = ["sh", "-c", "exit 3"], SyncFd = sync.ChildEnd });
        sync.ChildEnd.Dispose();
        sync.Release();
        process.WaitForExec();
        Assert.Equal(3, WaitWithDeadline(process).ExitCode);
    }

    [Fact]
    public void Exec_by_fd_runs_the_file_the_fd_names()
    {
        Assert.Equal(0, Libc.OpenAt(null, "/bin/sh", Libc.O_RDONLY, 0, out var fd));
        using (fd)
        {
            var (output, status) = Capture(new SpawnPlan
            {
                Path = "/not/used/for/exec",
                Argv = ["sh", "-c", "echo by-fd"],
                ExecFd = fd,
            });
            Assert.Equal(0, status.ExitCode);
            Assert.Equal("by-fd\n", output);
        }
    }

    [Fact]
    public void Invalid_plans_are_rejected_before_any_clone()
    {
        Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan { Path = "/bin/true", Argv = ["a\0b"] }));
        Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan { Path = "" }));
        using var fd = new SafeFd();
        Assert.Throws<ArgumentException>(() => Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.Network],
            JoinNamespaces = [new NamespaceJoin(NamespaceKind.Network, fd, "/run/netns/x")],
        }));
    }

    [RootFact]
    public void A_child_in_new_namespaces_has_namespaces_other_than_ours()
    {
        using var sync = new SyncPipe();
        using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/true", NewNamespaces = Created, SyncFd = sync.ChildEnd });
        sync.ChildEnd.Dispose();
        try
        {
            // Held before exec: its /proc/PID/ns links are readable now.
            foreach (var kind in Created)
            {
                Assert.NotEqual(OwnNamespace(kind), NamespaceOf(process.Pid, kind));
            }
            Assert.Equal(OwnNamespace(NamespaceKind.User), NamespaceOf(process.Pid, NamespaceKind.User));
        }
        finally
        {
            sync.Release();
        }
        process.WaitForExec();
        Assert.Equal(0, WaitWithDeadline(process).ExitCode);
    }

    [RootFact]
    public void The_legacy_clone_path_creates_namespaces_and_a_pidfd_too()
    {
        var (output, status) = Capture(new SpawnPlan
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "echo $$"],
            NewNamespaces = [NamespaceKind.Pid, NamespaceKind.Uts],
            AvoidClone3 = true,
        });
        Assert.Equal(0, status.ExitCode);
        Assert.Equal("1\n", output); // pid 1 of its new pid namespace
    }

    [RootFact]
    public void A_child_joins_a_named_network_namespace()
    {
        using var netns = new NamedNetns();
        var join = NamespaceJoin.Open(NamespaceKind.Network, netns.Path);
        using (join.Fd)
        {
            using var sync = new SyncPipe();
            using var process = Spawner.Spawn(new SpawnPlan
            {
                Path = "/bin/true",
                NewNamespaces = [NamespaceKind.Uts, NamespaceKind.Mount],
                JoinNamespaces = [join],
                SyncFd = sync.ChildEnd,
            });
            sync.ChildEnd.Dispose();
            try
            {
                Assert.Equal(netns.Identity, NamespaceOf(process.Pid, NamespaceKind.Network));
                Assert.NotEqual(OwnNamespace(NamespaceKind.Network), NamespaceOf(process.Pid, NamespaceKind.Network));
            }
            finally
            {
                sync.Release();
            }
            process.WaitForExec();
            Assert.Equal(0, WaitWithDeadline(process).ExitCode);
        }
    }

    [RootTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_join_works_on_both_native_paths(bool held)
    {
        using var netns = new NamedNetns();
        var join = NamespaceJoin.Open(NamespaceKind.Network, netns.Path);
        using (join.Fd)
        {
            var plan = new SpawnPlan { Path = "/bin/readlink", Argv = ["readlink", "/proc/self/ns/net"], JoinNamespaces = [join] };
            if (!held)
            {
                Assert.True(plan.Vfork);
                var (output, status) = Capture(plan);
                Assert.Equal(0, status.ExitCode);
                Assert.Equal(netns.Identity, output.Trim());
            }
            else
            {
                using var sync = new SyncPipe();
                var heldPlan = new SpawnPlan { Path = plan.Path, Argv = plan.Argv, JoinNamespaces = [join], SyncFd = sync.ChildEnd };
                Assert.False(heldPlan.Vfork);
                using var process = Spawner.Spawn(heldPlan);
                sync.ChildEnd.Dispose();
                Assert.Equal(netns.Identity, NamespaceOf(process.Pid, NamespaceKind.Network));
                sync.Release();
                process.WaitForExec();
                Assert.Equal(0, WaitWithDeadline(process).ExitCode);
            }
        }
    }

    [RootFact]
    public void A_new_user_namespace_without_a_map_runs_the_program_as_the_overflow_uid()
    {
        var (output, status) = Capture(new SpawnPlan
        {
            Path = "/bin/sh",
            Argv = ["sh", "-c", "id -u; readlink /proc/self/ns/user"],
            NewNamespaces = [NamespaceKind.User, NamespaceKind.Network],
        });
        Assert.Equal(0, status.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("65534", lines[0]);
        Assert.NotEqual(OwnNamespace(NamespaceKind.User), lines[1]);
    }

    [RootFact]
    public void Joining_a_pid_namespace_puts_the_program_itself_inside_it()
    {
        using var holder = Spawner.Spawn(new SpawnPlan
        {
            Path = "/bin/sleep",
            Argv = ["sleep", "30"],
            NewNamespaces = [NamespaceKind.Pid, NamespaceKind.Mount],
        });
        try
        {
            var join = NamespaceJoin.Open(NamespaceKind.Pid, NamespaceKind.Pid.ProcPath(holder.Pid));
            using (join.Fd)
            {
                // Two stages: the program is a child of the joiner, so it is pid 2 in there
                // (the holder is 1), and hutch is still its parent.
                var (output, status) = Capture(new SpawnPlan
                {
                    Path = "/bin/sh",
                    Argv = ["sh", "-c", "echo $$; readlink /proc/self/ns/pid"],
                    JoinNamespaces = [join],
                });
                Assert.Equal(0, status.ExitCode);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.NotEqual("1", lines[0]);
                Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
                Assert.Equal(NamespaceOf(holder.Pid, NamespaceKind.Pid), lines[1]);
            }
        }
        finally
        {
            holder.Kill(Libc.SIGKILL);
            WaitWithDeadline(holder);
        }
    }

    [RootFact]
    public void A_failed_setns_names_the_namespace_file_and_the_errno()
    {
        using var netns = new NamedNetns();
        // A network namespace file presented as a uts one: setns says EINVAL.
        var wrong = new NamespaceJoin(NamespaceKind.Uts, NamespaceJoin.Open(NamespaceKind.Network, netns.Path).Fd, netns.Path);
        using (wrong.Fd)
        {
            var error = Assert.Throws<SpawnException>(() => Spawner.Spawn(new SpawnPlan { Path = "/bin/true", JoinNamespaces = [wrong] }));
            Assert.Equal(SpawnStep.Setns, error.Step);
            Assert.Equal(Errno.EINVAL, error.ErrorNumber);
            Assert.Contains("setns into " + netns.Path + ": invalid argument", error.Message, StringComparison.Ordinal);

            // The same failure in the intermediate child of a two-stage spawn.
            var wrongPid = wrong with { Kind = NamespaceKind.Pid };
            error = Assert.Throws<SpawnException>(() => Spawner.Spawn(new SpawnPlan { Path = "/bin/true", JoinNamespaces = [wrongPid] }));
            Assert.Equal(SpawnStep.Setns, error.Step);
            Assert.Contains(netns.Path, error.Message, StringComparison.Ordinal);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);
}
