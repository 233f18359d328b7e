namespace Hutch.Runtime.State;

/// <summary>
/// The id's directory exists but holds no state.json: a create is still running (it holds
/// the container's lock until state.json is written), or one died before writing it.
/// It is a <see cref="ContainerNotFoundException"/>, so commands that only know "not found"
/// answer "does not exist" as runc does. `delete --force` tells the two cases apart by
/// taking <see cref="StateStore.Lock"/> (which waits for a live create) and then calling
/// <see cref="StateStore.Load"/> again: still incomplete means the create died, and
/// <see cref="StateStore.Remove"/> clears what it left.
/// </summary>
internal sealed class ContainerIncompleteException(string id, string directory)
    : ContainerNotFoundException(id,
        $"container {id} does not exist: {directory} has no state.json (a create that is still running, " +
        $"or one that failed without cleaning up; `hutch delete --force {id}` removes what is left)")
{
    /// <summary>The container's directory (&lt;root&gt;/&lt;id&gt;).</summary>
    public string Directory { get; } = directory;
}
