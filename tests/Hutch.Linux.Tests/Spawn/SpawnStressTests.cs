using System.Diagnostics;
using Hutch.Linux.Spawn;
using Xunit.Abstractions;
using static Hutch.Linux.Tests.Spawn.SpawnTestHelpers;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>A fact that runs only with HUTCH_STRESS=1 (`make test-stress`).</summary>
public sealed class StressFactAttribute : FactAttribute
{
    public StressFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HUTCH_STRESS") != "1")
        {
            Skip = "stress test: run with HUTCH_STRESS=1 (make test-stress)";
        }
    }
}

/// <summary>
/// Spawning while other threads allocate: a forked child that ran managed code could hang
/// on a GC that never comes (DESIGN.md section 2). Every wait has a deadline, so a hang
/// fails the test instead of hanging the suite. Measured on the 2-core VM: about 33 s for
/// 1000 (half of them held, i.e. the fork-like path, whose page-table copy of this large
/// JIT heap competes with the allocating threads), so it stays out of the default suite.
/// </summary>
public class SpawnStressTests(ITestOutputHelper output)
{
    [StressFact]
    [Trait("Category", "Stress")]
    public void A_thousand_spawns_under_allocation_load_all_exit() => SpawnUnderLoad(1000, allocators: 3);

    private void SpawnUnderLoad(int spawns, int allocators)
    {
        using var stop = new CancellationTokenSource();
        long allocated = 0;
        var threads = Enumerable.Range(0, allocators).Select(_ => new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[Random.Shared.Next(16, 64 * 1024)]);
                if (keep.Count > 256)
                {
                    keep.Clear();
                }
                Interlocked.Increment(ref allocated);
            }
        })
        { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        var gcBefore = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < spawns; i++)
            {
                // Alternate the two native paths: the vfork-like one (no sync fd) and the
                // fork-like one (a held child, with a copy of this multithreaded process).
                using var sync = i % 2 == 1 ? new SyncPipe() : null;
                using var process = Spawner.Spawn(new SpawnPlan { Path = "/bin/true", SyncFd = sync?.ChildEnd });
                if (sync is not null)
                {
                    sync.ChildEnd.Dispose();
                    sync.Release();
                    process.WaitForExec();
                }
                var status = WaitWithDeadline(process);
                Assert.True(status.Exited && status.ExitCode == 0, $"spawn {i}: {status}");
            }
        }
        finally
        {
            stop.Cancel();
            threads.ForEach(t => t.Join());
        }
        clock.Stop();
        output.WriteLine($"{spawns} spawns of /bin/true with {allocators} allocating threads: {clock.ElapsedMilliseconds} ms " +
            $"({clock.Elapsed.TotalMilliseconds * 1000 / spawns:F0} us each), {GC.CollectionCount(0) - gcBefore} gen0 GCs, {allocated} allocations");
    }
}
