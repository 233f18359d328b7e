namespace Hutch.Runtime.Transactions;

/// <summary>
/// Undoes one side effect of a create, from what its journal entry says. Idempotent, and safe on
/// a side effect that never happened (the entry is written before the act): it checks what is
/// there before touching anything. Throws with a message naming what is left and what to do.
/// </summary>
internal interface IUndoStep
{
    void Undo(UndoContext context);
}
