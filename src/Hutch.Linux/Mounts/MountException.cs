namespace Hutch.Linux.Mounts;

/// <summary>
/// A mount operation failed: which operation, on which source and target, the errno, and a
/// hint saying what to do. Message: "mount proc on /proc (in the container): operation not
/// permitted (HINT)".
/// </summary>
internal sealed class MountException : Exception
{
    public MountException(string operation, string? source, string target, int errno, string? hint = null)
        : base(Format(operation, source, target, errno, hint))
    {
        Operation = operation;
        MountSource = source;
        Target = target;
        Errno = errno;
        Hint = hint;
    }

    public MountException(string message) : base(message)
    {
        Operation = "";
        Target = "";
    }

    public MountException() : this("mount failed") { }

    public MountException(string message, Exception innerException) : base(message, innerException)
    {
        Operation = "";
        Target = "";
    }

    /// <summary>What was attempted, e.g. "mount", "bind mount", "pivot_root", "mask".</summary>
    public string Operation { get; }

    /// <summary>The mount's source, when it has one.</summary>
    public string? MountSource { get; }

    /// <summary>The path the operation was about (a container path where one applies).</summary>
    public string Target { get; }

    /// <summary>The Linux errno; 0 when the failure is not a syscall's.</summary>
    public int Errno { get; }

    public string? Hint { get; }

    private static string Format(string operation, string? source, string target, int errno, string? hint)
    {
        var what = source is null ? $"{operation} {target}" : $"{operation} {source} on {target}";
        var why = errno != 0 ? Hutch.Linux.Errno.Describe(errno) : "failed";
        return hint is null ? $"{what}: {why}" : $"{what}: {why} ({hint})";
    }
}
