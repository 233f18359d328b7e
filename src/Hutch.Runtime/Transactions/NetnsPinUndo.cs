using Hutch.Linux.Namespaces;

namespace Hutch.Runtime.Transactions;

/// <summary>The bind mount that kept the container's new network namespace alive during the create.</summary>
internal sealed class NetnsPinUndo(NetnsPinEntry entry) : IUndoStep
{
    public void Undo(UndoContext context) => NamespacePin.Unpin(entry.Path);
}
