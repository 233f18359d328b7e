using Hutch.Runtime.State;
using Hutch.Runtime.Transactions;

namespace Hutch.Runtime.Lifecycle;

/// <summary>`state ID`: the OCI state JSON with the live status.</summary>
internal static class StateQuery
{
    public static string Run(string root, string id)
    {
        var store = new StateStore(root);
        ContainerState state;
        ContainerStatus status;
        try
        {
            state = store.Load(id);
            status = StatusProbe.Probe(state, store.DirectoryOf(id));
        }
        catch (ContainerIncompleteException)
        {
            // A create that has not committed: "creating" while it runs, "stopped" once it died.
            (state, status) = PendingCreate.Describe(store, id);
        }
        return StateJson.ToOciJson(state, status);
    }
}
