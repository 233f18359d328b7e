namespace Hutch.Linux.Seccomp;

/// <summary>A seccomp filter could not be built or loaded; the message names the rule or the step.</summary>
internal sealed class SeccompException : Exception
{
    public SeccompException(string message, int errno = 0) : base(message) => Errno = errno;

    public SeccompException()
    {
    }

    public SeccompException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The errno that caused it, 0 when none.</summary>
    public int Errno { get; }
}
