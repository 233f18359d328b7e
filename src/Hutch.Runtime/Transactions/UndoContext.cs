using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// What an undo step may use besides its journal entry. A create failing in-process passes its
/// live handles (the init it spawned and must reap, the network namespace it holds open); `delete`
/// replaying the journal of a create that died has none, and the steps find everything again
/// from the journal (pid and start time, the pinned namespace file).
/// </summary>
internal sealed class UndoContext
{
    /// <summary>The container id, for messages.</summary>
    public required string Id { get; init; }

    /// <summary>In-process: the init this create spawned (its child: killed and reaped).</summary>
    public SpawnedProcess? LiveInit { get; init; }

    /// <summary>In-process: the container's network namespace, held open by the create.</summary>
    public SafeFd? LiveNetns { get; init; }

    /// <summary>Where a step's warning goes (a unit that was already gone, ...); null drops it.</summary>
    public Action<string>? Warn { get; init; }
}
