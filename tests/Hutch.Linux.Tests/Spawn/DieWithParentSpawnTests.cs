using Hutch.Linux.Spawn;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>
/// SpawnPlan.DieWithParent: the child gets SIGKILL when the thread that spawned it exits (what
/// makes a killed create take its init along); without it, the child lives on.
/// </summary>
public class DieWithParentSpawnTests
{
    [Fact]
    public void The_child_is_killed_when_the_spawning_thread_exits()
    {
        using var sync = new SyncPipe();
        using var process = SpawnOnThreadThatExits(sync, dieWithParent: true);

        // Held on its sync pipe (never released), it can only end by the signal.
        var status = WaitWithDeadline(process);

        Assert.False(status.Exited, $"the child exited by itself ({status}) instead of being killed");
        Assert.Equal(9, status.Signal);
    }

    [Fact]
    public void Without_it_the_child_outlives_the_spawning_thread()
    {
        using var sync = new SyncPipe();
        using var process = SpawnOnThreadThatExits(sync, dieWithParent: false);

        sync.Release();
        var status = WaitWithDeadline(process);

        Assert.True(status.Exited, $"the child died of {status}");
        Assert.Equal(3, status.ExitCode);
    }

    private static void WaitUntilBlockedOnItsSyncPipe(int pid)
    {
        // Generous: on a loaded 2-core machine the child may wait long for a CPU.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        string wchan;
        // pipe_read; anon_pipe_read since Linux 6.15 split pipes from FIFOs.
        while ((wchan = File.ReadAllText($"/proc/{pid}/wchan").Trim()) is not ("pipe_read" or "anon_pipe_read"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the child {pid} never blocked on its sync pipe (last seen in {wchan}, state {File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2]})");
            }
            Thread.Sleep(2); // not a spin: the child needs the CPU to get there
        }
    }

    /// <summary>Spawns `sh -c 'exit 3'`, held on <paramref name="sync"/>, from a thread of its own that has ended when this returns.</summary>
    private static SpawnedProcess SpawnOnThreadThatExits(SyncPipe sync, bool dieWithParent)
    {
        SpawnedProcess? process = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                SpawnAndWait();
            }
#pragma warning disable CA1031 // reported on the test's thread: an exception here would crash the test host
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(120)), "the spawning thread did not end");
        if (failure is not null)
        {
            process?.Dispose();
            throw new InvalidOperationException("the spawning thread failed", failure);
        }
        Assert.NotNull(process);
        return process;

        void SpawnAndWait()
        {
            process = Spawner.Spawn(new SpawnPlan
            {
                Path = "/bin/sh",
                Argv = ["sh", "-c", "exit 3"],
                SyncFd = sync.ChildEnd,
                DieWithParent = dieWithParent,
            });
            // The thread must outlive the child's PR_SET_PDEATHSIG (armed first thing in the
            // child, before it reads its sync pipe): a thread gone earlier has no death to report.
            // In create this cannot matter: a create gone that early also closes the sync pipe,
            // and the child exits at EOF without executing anything.
            WaitUntilBlockedOnItsSyncPipe(process.Pid);
        }
    }
}
