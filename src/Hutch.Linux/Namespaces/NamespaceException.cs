namespace Hutch.Linux.Namespaces;

/// <summary>A namespace operation failed: what, on which namespace (path or kind), and errno.</summary>
internal sealed class NamespaceException : Exception
{
    public NamespaceException(string operation, string target, int errno, string? hint = null)
        : base($"{operation} {target}: {Errno.Describe(errno)}{(hint is null ? "" : $" ({hint})")}")
    {
        Operation = operation;
        Target = target;
        ErrorNumber = errno;
    }

    public NamespaceException() { }

    public NamespaceException(string message) : base(message) { }

    public NamespaceException(string message, Exception innerException) : base(message, innerException) { }

    public string Operation { get; } = "";

    /// <summary>The namespace file (/proc/PID/ns/net, /run/netns/NAME) or kind the operation was on.</summary>
    public string Target { get; } = "";

    public int ErrorNumber { get; }
}
