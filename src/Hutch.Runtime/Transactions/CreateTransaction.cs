namespace Hutch.Runtime.Transactions;

/// <summary>
/// A create as a transaction: <see cref="Record"/> journals a side effect (synced) and pushes its
/// undo before the create has it; <see cref="Abort"/> undoes everything in-process; state.json
/// is the commit, after which <see cref="Complete"/> drops the journal.
/// </summary>
internal sealed class CreateTransaction : IDisposable
{
    private readonly CreateJournal _journal;

    private CreateTransaction(CreateJournal journal) => _journal = journal;

    public UndoStack Undo { get; } = new();

    /// <summary>Starts the journal of the claimed <paramref name="containerDirectory"/> with <paramref name="begin"/>.</summary>
    public static CreateTransaction Begin(string containerDirectory, BeginEntry begin)
    {
        var journal = CreateJournal.Start(containerDirectory);
        var transaction = new CreateTransaction(journal);
        try
        {
            transaction.Record(begin);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
        return transaction;
    }

    /// <summary>
    /// Pushes the undo of <paramref name="entry"/> and journals it (written and synced): call it
    /// before the side effect. The undo first: an entry written after its side effect (the init)
    /// is undone in-process even when the journal cannot be written (every undo is safe on a side
    /// effect that never happened).
    /// </summary>
    public void Record(JournalEntry entry)
    {
        Undo.Push(entry);
        _journal.Append(entry);
    }

    /// <summary>Undoes everything recorded, newest first; the failures' messages (empty when all is undone).</summary>
    public List<string> Abort(UndoContext context) => Undo.Unwind(context);

    /// <summary>After the commit (state.json): the journal is of no more use.</summary>
    public void Complete()
    {
        _journal.Dispose();
        File.Delete(_journal.Path);
    }

    public void Dispose() => _journal.Dispose();
}
