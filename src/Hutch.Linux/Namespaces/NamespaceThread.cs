using System.Runtime.ExceptionServices;

namespace Hutch.Linux.Namespaces;

/// <summary>
/// A short-lived thread that enters a namespace and does one piece of work there: setns changes
/// only the calling thread, so the change ends with the thread and the rest of hutch never sees
/// it. The work must stay on that thread (no new threads, no await).
/// </summary>
internal static class NamespaceThread
{
    /// <summary>
    /// Runs <paramref name="enter"/> (the setns, and what it needs first), then
    /// <paramref name="action"/>, on a new thread named <paramref name="name"/>; waits for it and
    /// returns the action's result, or throws on the caller's thread what either threw.
    /// </summary>
    public static T Run<T>(string name, Action enter, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                enter();
                result = action();
            }
#pragma warning disable CA1031 // every failure travels back to the caller's thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
