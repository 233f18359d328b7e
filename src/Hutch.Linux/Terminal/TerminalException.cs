namespace Hutch.Linux.Terminal;

/// <summary>
/// A terminal or console-socket operation failed: what was attempted, on which object (a
/// path, an fd, a socket), the errno and what to do. Message like
/// "open pty peer of /dev/ptmx (pts 3): input/output error (HINT)".
/// </summary>
internal sealed class TerminalException : Exception
{
    public TerminalException(string operation, string target, int errno, string? hint = null)
        : base(Format(operation, target, errno, hint))
    {
        Operation = operation;
        Target = target;
        Errno = errno;
        Hint = hint;
    }

    public TerminalException() : this("terminal operation failed") { }

    public TerminalException(string message) : base(message)
    {
        Operation = "";
        Target = "";
    }

    public TerminalException(string message, Exception innerException) : base(message, innerException)
    {
        Operation = "";
        Target = "";
    }

    /// <summary>What was attempted, e.g. "open pty master", "send the pty master over".</summary>
    public string Operation { get; }

    /// <summary>The object: a path, a socket path, "fd 5".</summary>
    public string Target { get; }

    /// <summary>The Linux errno; 0 when the failure is a check's, not a syscall's.</summary>
    public int Errno { get; }

    public string? Hint { get; }

    private static string Format(string operation, string target, int errno, string? hint)
    {
        if (errno == 0)
        {
            // A check refused the object: the hint is the reason.
            return $"{operation} {target}: {hint ?? "refused"}";
        }
        var why = Hutch.Linux.Errno.Describe(errno);
        return hint is null ? $"{operation} {target}: {why}" : $"{operation} {target}: {why} ({hint})";
    }
}
