using Hutch.Linux.Processes;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// A container directory without state.json: a create that has not committed, still running or
/// killed. What `list` and `state` show of it, and how `delete` undoes it (its journal's undo
/// stack replayed, as the create itself would have on a failure).
/// </summary>
internal static class PendingCreate
{
    /// <summary>
    /// The container as its journal describes it, and its status: creating while its create still
    /// runs (it holds the container's lock) or its init lives; stopped once both are gone (then it
    /// never will be created, and `delete` is the one thing left to do). These two are among the
    /// statuses podman and containerd accept from `state`.
    /// </summary>
    public static (ContainerState State, ContainerStatus Status) Describe(StateStore store, string id)
    {
        var directory = store.DirectoryOf(id);
        var stack = UndoStack.Of(CreateJournal.Read(directory) ?? []);
        var begin = stack.Begin;
        var state = new ContainerState
        {
            OciVersion = DefaultConfig.OciVersion,
            Id = id,
            Status = ContainerStatus.Creating,
            Pid = stack.Init?.Pid ?? 0,
            PidStartTime = stack.Init?.StartTime ?? 0,
            Bundle = begin?.Bundle ?? "",
            Rootfs = begin?.Rootfs ?? "",
            Created = begin?.Created ?? default,
            Owner = begin?.Owner,
            OwnsPidNamespace = begin?.OwnsPidNamespace ?? false,
        };
        return (state, IsRunning(store, id, stack.Init) ? ContainerStatus.Creating : ContainerStatus.Stopped);
    }

    /// <summary>
    /// Undoes what the journal in the container's directory records, newest first; the caller
    /// holds the container's lock (so no create runs). Returns the failures (empty: all undone,
    /// the directory may go).
    /// </summary>
    public static List<string> Undo(StateStore store, string id, Action<string>? warn = null)
    {
        var entries = CreateJournal.Read(store.DirectoryOf(id));
        return entries is null ? [] : UndoStack.Of(entries).Unwind(new UndoContext { Id = id, Warn = warn });
    }

    /// <summary>True while the journaled init lives (pid and start time), the create that holds the lock aside.</summary>
    public static bool InitAlive(StateStore store, string id) =>
        UndoStack.Of(CreateJournal.Read(store.DirectoryOf(id)) ?? []).Init is { } init && ProcessProbe.IsAlive(init.Pid, init.StartTime);

    private static bool IsRunning(StateStore store, string id, InitEntry? init)
    {
        if (init is not null && ProcessProbe.IsAlive(init.Pid, init.StartTime))
        {
            return true;
        }
        try
        {
            using var held = store.TryLock(id);
            return held is null;
        }
        catch (ContainerNotFoundException)
        {
            return false;
        }
    }
}
