using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>`state ID`: the OCI state JSON with the live status.</summary>
internal static class StateQuery
{
    public static string Run(string root, string id)
    {
        var store = new StateStore(root);
        var state = store.Load(id);
        var status = StatusProbe.Probe(state, store.DirectoryOf(id));
        return StateJson.ToOciJson(state, status);
    }
}
