using System.Globalization;
using System.Text;
using Hutch.Runtime.State;
using Hutch.Runtime.Transactions;

namespace Hutch.Runtime.Lifecycle;

/// <summary>`list`: every container under --root with its live status, as runc prints them.</summary>
internal static class ListContainers
{
    /// <summary>
    /// The containers under the root, those whose create has not committed included (PendingCreate:
    /// creating while it runs, stopped once killed). A directory whose state cannot be read
    /// (corrupt, another runtime's, not a file) is left out, with a warning naming it: one bad
    /// entry must not hide the others (runc lists the rest).
    /// </summary>
    public static List<(ContainerState State, ContainerStatus Status)> Collect(string root, Action<string>? warn = null)
    {
        var store = new StateStore(root);
        var result = new List<(ContainerState, ContainerStatus)>();
        foreach (var id in store.Ids())
        {
            try
            {
                var state = store.Load(id);
                result.Add((state, StatusProbe.Probe(state, store.DirectoryOf(id))));
            }
            catch (ContainerIncompleteException)
            {
                // A create that has not committed: running, or killed (see PendingCreate).
                try
                {
                    result.Add(PendingCreate.Describe(store, id));
                }
                catch (StateException e)
                {
                    warn?.Invoke($"container {id} left out of the list: {e.Message} (`hutch delete --force {id}` removes it, if it is hutch's)");
                }
            }
            catch (ContainerNotFoundException)
            {
                // Deleted meanwhile.
            }
            catch (StateException e)
            {
                warn?.Invoke($"container {id} left out of the list: {e.Message} (`hutch delete --force {id}` removes it, if it is hutch's)");
            }
        }
        return result;
    }

    /// <summary>The output of `list` for <paramref name="format"/> "table" or "json", or ids only with <paramref name="quiet"/>.</summary>
    public static string Render(string root, string format, bool quiet, Action<string>? warn = null)
    {
        var containers = Collect(root, warn);
        if (quiet)
        {
            var ids = new StringBuilder();
            foreach (var (state, _) in containers)
            {
                ids.Append(state.Id).Append('\n');
            }
            return ids.ToString();
        }
        if (format == "json")
        {
            return StateJson.ToListJson(containers) + "\n";
        }
        var rows = new List<string[]> { new[] { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" } };
        foreach (var (state, status) in containers)
        {
            rows.Add(
            [
                state.Id,
                (status == ContainerStatus.Stopped ? 0 : state.Pid).ToString(CultureInfo.InvariantCulture),
                status.ToOciString(),
                state.Bundle,
                state.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
                state.Owner ?? "",
            ]);
        }
        return Table(rows);
    }

    /// <summary>Go's tabwriter as runc sets it up (minwidth 12, padding 3, spaces).</summary>
    private static string Table(List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                widths[i] = Math.Max(widths[i], Math.Max(12, row[i].Length + 3));
            }
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i < row.Length - 1 ? row[i].PadRight(widths[i]) : row[i]);
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
