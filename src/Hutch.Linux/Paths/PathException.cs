namespace Hutch.Linux.Paths;

/// <summary>
/// Resolving or creating a container path inside the rootfs failed. Message like
/// "create directory /etc/x (inside the rootfs /b/rootfs): not a directory".
/// </summary>
internal sealed class PathException : Exception
{
    public PathException(string operation, string path, int errno, string? detail = null)
        : base($"{operation} {path}: {Hutch.Linux.Errno.Describe(errno)}" + (detail is null ? "" : $" ({detail})"))
    {
        Operation = operation;
        ContainerPath = path;
        Errno = errno;
    }

    public PathException() : this("resolve path") { }

    public PathException(string message) : base(message)
    {
        Operation = "";
        ContainerPath = "";
    }

    public PathException(string message, Exception innerException) : base(message, innerException)
    {
        Operation = "";
        ContainerPath = "";
    }

    public string Operation { get; }

    /// <summary>The path as the container sees it.</summary>
    public string ContainerPath { get; }

    public int Errno { get; }
}
