namespace Hutch.Runtime.Transactions;

/// <summary>
/// The undo steps of a create, built from its journal entries in order (<see cref="Push"/>) and
/// run newest first (<see cref="Unwind"/>). The same stack serves a create that fails in-process
/// (it pushes each entry as it journals it) and `delete` of a create that died (it pushes the
/// entries read back from the journal). A create's order, and so the undo order, is:
/// <code>
///   cgroup made           -> remove it (last)
///   (or) systemd unit     -> stop it, then remove the directories systemd did not make
///   init spawned          -> kill it (pid + start time)
///   netns pinned          -> unmount the pin
///   devices moved         -> move them back (first, while the namespace is surely there)
/// </code>
/// </summary>
internal sealed class UndoStack
{
    private readonly List<IUndoStep> _steps = [];
    private InitEntry? _init;

    /// <summary>The begin entry, once pushed.</summary>
    public BeginEntry? Begin { get; private set; }

    /// <summary>The init, once its entry is pushed.</summary>
    public InitEntry? Init => _init;

    /// <summary>The stack of a journal read back.</summary>
    public static UndoStack Of(IEnumerable<JournalEntry> entries)
    {
        var stack = new UndoStack();
        foreach (var entry in entries)
        {
            stack.Push(entry);
        }
        return stack;
    }

    /// <summary>Adds the undo of <paramref name="entry"/> (a new step, or more for the step it belongs to).</summary>
    public void Push(JournalEntry entry)
    {
        switch (entry)
        {
            case BeginEntry begin:
                Begin = begin;
                break;
            case CgroupIntentEntry intent:
                _steps.Add(new CgroupUndo(intent));
                break;
            case CgroupMadeEntry made:
                Last<CgroupUndo>()?.Made(made);
                break;
            case SystemdUnitEntry unit:
                _steps.Add(new SystemdUnitUndo(unit));
                break;
            case SystemdUnitStartedEntry:
                (Last<SystemdUnitUndo>() ?? throw new InvalidOperationException("a systemd-unit-started entry before its systemd-unit entry")).Started();
                break;
            case InitEntry init:
                _init = init;
                _steps.Add(new InitUndo(init));
                break;
            case NetnsPinEntry pin:
                _steps.Add(new NetnsPinUndo(pin));
                break;
            case NetnsEntry netns:
                _steps.Add(new DevicesUndo(netns, _init));
                break;
            case DeviceEntry device:
                (Last<DevicesUndo>() ?? throw new InvalidOperationException("a device entry before its netns entry")).Add(device);
                break;
            default:
                throw new ArgumentException($"no undo for {entry.GetType().Name}", nameof(entry));
        }
    }

    /// <summary>
    /// Runs every step, newest first; a step that fails does not stop the others. Returns the
    /// failures' messages (empty: everything is undone). Steps that succeeded are dropped, so a
    /// second call retries only what failed.
    /// </summary>
    public List<string> Unwind(UndoContext context)
    {
        var failures = new List<string>();
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            try
            {
                _steps[i].Undo(context);
                _steps.RemoveAt(i);
            }
#pragma warning disable CA1031 // each failure is reported, and the other steps still run
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add(e.Message);
            }
        }
        return failures;
    }

    private T? Last<T>() where T : class, IUndoStep => _steps.OfType<T>().LastOrDefault();
}
