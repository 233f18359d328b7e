namespace Hutch.Runtime.Processes;

/// <summary>
/// A step of turning the init into the container's process failed. <see cref="Step"/> names it
/// ("setresuid", "seccomp", "exec" ...); the message says what failed on which object, e.g.
/// <c>exec: "/bin/nosuch": no such file or directory</c>.
/// </summary>
internal sealed class ProcessSetupException : Exception
{
    public ProcessSetupException(string step, string message, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        Step = step;
        Errno = errno;
    }

    public ProcessSetupException() : this("process", "process setup failed")
    {
    }

    public ProcessSetupException(string message) : this("process", message)
    {
    }

    public ProcessSetupException(string message, Exception inner) : this("process", message, 0, inner)
    {
    }

    public string Step { get; }

    /// <summary>The errno that caused it, 0 when none. ENOENT and EACCES from the exec step are what podman maps to 127 and 126.</summary>
    public int Errno { get; }
}
