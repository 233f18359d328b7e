namespace Hutch.Logging;

/// <summary>What `--debug` adds to a failure: each exception's type and message down the chain of
/// causes (inner exceptions, every member of an AggregateException). No stack traces.</summary>
internal static class ExceptionDetail
{
    internal static IEnumerable<string> Describe(Exception exception)
    {
        var lines = new List<string>();
        Add(exception, 0, lines);
        return lines;
    }

    private static void Add(Exception exception, int depth, List<string> lines)
    {
        var prefix = depth == 0 ? "" : new string(' ', 2 * depth) + "caused by ";
        lines.Add($"{prefix}{exception.GetType().FullName}: {exception.Message}");
        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                Add(inner, depth + 1, lines);
            }
        }
        else if (exception.InnerException is { } inner)
        {
            Add(inner, depth + 1, lines);
        }
    }
}
