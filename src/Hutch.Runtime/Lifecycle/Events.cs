using System.Text.Json;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Runtime.Cgroups.Stats;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `events [--stats] [--interval D] ID`, as runc does it: one JSON object per line, runc's
/// `types.Event`. With --stats, one stats event and done. Otherwise a stats event every interval
/// (the first after one interval, like runc's ticker) and an "oom" event each time the OOM killer
/// fires in the container's memory cgroup, until the container stops (or the caller cancels).
/// </summary>
internal static class Events
{
    // How long one wait lasts at most, so a stop or a cancellation is seen within it.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(200);

    /// <summary>Loads the container, refuses a stopped one, then streams (or prints one stats event with <paramref name="statsOnce"/>).</summary>
    public static void Run(string root, string id, TimeSpan interval, bool statsOnce, Action<string> writeLine, CancellationToken cancellation)
    {
        var store = new StateStore(root);
        var state = store.Load(id);
        if (StatusProbe.Probe(state, store.DirectoryOf(id)) == ContainerStatus.Stopped)
        {
            throw NotRunning(id);
        }
        if (statsOnce)
        {
            Once(state, writeLine);
        }
        else
        {
            Stream(state, interval, writeLine, cancellation);
        }
    }

    /// <summary>Writes one stats event of the (live) container.</summary>
    public static void Once(ContainerState state, Action<string> writeLine)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writeLine);
        using var process = ContainerProcess.Open(state) ?? throw NotRunning(state.Id);
        writeLine(Serialize(ContainerEvent.Stats(state.Id, ReadStats(state, process))));
    }

    /// <summary>
    /// Streams stats every <paramref name="interval"/> and OOM events as they happen; returns when
    /// the container's init has exited (after reporting any last OOM) or on cancellation.
    /// </summary>
    public static void Stream(ContainerState state, TimeSpan interval, Action<string> writeLine, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writeLine);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        using var process = ContainerProcess.Open(state) ?? throw NotRunning(state.Id);
        using var oom = state.Cgroup is { Count: > 0 } directories ? OomWatcher.Open(directories) : null;
        var oomLine = Serialize(ContainerEvent.Oom(state.Id));
        // A monotonic clock: a wall-clock jump must not stall or flood the ticks.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextStats = interval;
        while (!cancellation.IsCancellationRequested)
        {
            var now = clock.Elapsed;
            if (now >= nextStats)
            {
                StatsData stats;
                try
                {
                    stats = ReadStats(state, process);
                }
                catch (Exception e) when (IsStopping(e) && process.WaitForExit(TimeSpan.Zero))
                {
                    // The container stopped while its files were read: the end, not an error.
                    break;
                }
                writeLine(Serialize(ContainerEvent.Stats(state.Id, stats)));
                // Ticks keep their phase; a late tick does not make the next one early.
                while (nextStats <= now)
                {
                    nextStats += interval;
                }
                continue;
            }
            var wait = Min(nextStats - now, WaitSlice);
            if (oom is null)
            {
                cancellation.WaitHandle.WaitOne(wait);
            }
            else
            {
                WriteOoms(oom.Wait(wait), oomLine, writeLine);
            }
            if (process.WaitForExit(TimeSpan.Zero))
            {
                // An OOM kill of the init is reported before the stream ends.
                if (oom != null)
                {
                    WriteOoms(oom.Wait(TimeSpan.Zero), oomLine, writeLine);
                }
                break;
            }
        }
    }

    /// <summary>
    /// The stats of a live container: its cgroup (when it has one recorded) and the devices of its
    /// network namespace (when it has its own).
    /// </summary>
    public static StatsData ReadStats(ContainerState state, ContainerProcess process)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(process);
        var data = state.Cgroup is { Count: > 0 } directories ? CgroupStats.Read(directories) : new StatsData();
        using var netns = NetworkNamespace.OpenOfProcess(process.Pid);
        // The pidfd still names a live process, so the namespace opened is the container's, not a reused pid's.
        if (!process.WaitForExit(TimeSpan.Zero))
        {
            data.NetworkInterfaces = NetworkStats.ReadOfContainer(netns);
        }
        return data;
    }

    public static string Serialize(ContainerEvent containerEvent) =>
        JsonSerializer.Serialize(containerEvent, StatsJsonContext.Default.ContainerEvent);

    private static void WriteOoms(int count, string line, Action<string> writeLine)
    {
        for (var i = 0; i < count; i++)
        {
            writeLine(line);
        }
    }

    // What reading a vanishing container's files or namespace throws.
    private static bool IsStopping(Exception e) =>
        e is CgroupStatsException or NetworkNamespaceException or NetlinkException or IOException;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static LifecycleException NotRunning(string id) =>
        new($"cannot read events of container {id}: container not running (it has stopped; `hutch delete {id}` removes it)");
}
