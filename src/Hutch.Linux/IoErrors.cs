using System.Text.RegularExpressions;

namespace Hutch.Linux;

/// <summary>
/// The errno inside a System.IO exception, told in hutch's words. .NET turns errno into
/// exception types and messages of its own ("No space left on device : '/x'", "Access to the path
/// '/x' is denied." for EISDIR and EROFS alike, "Null character in path. (Parameter 'path')"),
/// but keeps the raw errno in HResult (or in the inner exception of an access error), so the
/// message can say what the kernel said, after the operation and the object the caller names.
/// </summary>
internal static partial class IoErrors
{
    /// <summary>The errno behind <paramref name="exception"/>, or null when it carries none.</summary>
    public static int? ErrnoOf(Exception exception) => exception switch
    {
        UnauthorizedAccessException { InnerException: IOException { HResult: > 0 and < 4096 } inner } => inner.HResult,
        UnauthorizedAccessException => Errno.EACCES,
        FileNotFoundException => Errno.ENOENT,
        PathTooLongException => Errno.ENAMETOOLONG,
        DirectoryNotFoundException => null,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => null,
    };

    /// <summary>"no space left on device": the kernel's reason, without .NET's decorations or the path.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (ErrnoOf(exception) is { } errno)
        {
            return Errno.Describe(errno);
        }
        return exception switch
        {
            DirectoryNotFoundException => "no such file or directory (a directory on the way is missing or is not a directory)",
            ArgumentException when exception.Message.StartsWith("Null character in path", StringComparison.Ordinal) =>
                "the path holds a NUL character, which no path can hold",
            ArgumentException { ParamName: { } name } => exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
            _ => exception.Message,
        };
    }

    /// <summary>True for the exceptions System.IO throws for an OS error or a bad path.</summary>
    public static bool IsIoFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException ||
        (exception is ArgumentException && exception.Message.StartsWith("Null character in path", StringComparison.Ordinal));

    /// <summary>
    /// The message of any exception, with System.IO's own (one that escaped a file API) told as
    /// "PATH: reason" ("/run/x: read-only file system") instead of .NET's phrasing.
    /// </summary>
    public static string MessageOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var ours = exception.GetType().Namespace?.StartsWith("Hutch", StringComparison.Ordinal) == true;
        if (ours || !IsIoFailure(exception))
        {
            return exception.Message;
        }
        var reason = Describe(exception);
        return QuotedPath().Match(exception.Message) is { Success: true } path ? $"{path.Groups[1].Value}: {reason}" : reason;
    }

    // .NET's file errors quote the path in single quotes: "... : '/x'", "Access to the path '/x' is denied."
    [GeneratedRegex("'(/[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPath();
}
