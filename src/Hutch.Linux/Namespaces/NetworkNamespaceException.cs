namespace Hutch.Linux.Namespaces;

/// <summary>Opening, identifying or joining a network namespace failed.</summary>
internal sealed class NetworkNamespaceException : Exception
{
    public NetworkNamespaceException(string operation, string path, int errno, string? hint = null)
        : base($"{operation} `{path}`: {Hutch.Linux.Errno.Describe(errno)}{(hint is null ? "" : ": " + hint)}")
    {
        Operation = operation;
        Path = path;
        Errno = errno;
    }

    /// <summary>What was attempted, e.g. "open network namespace".</summary>
    public string Operation { get; }

    /// <summary>The namespace file, e.g. /var/run/netns/blue or /proc/1234/ns/net.</summary>
    public string Path { get; }

    /// <summary>Positive Linux errno.</summary>
    public int Errno { get; }
}
