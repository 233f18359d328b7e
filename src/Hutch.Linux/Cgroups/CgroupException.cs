namespace Hutch.Linux.Cgroups;

/// <summary>
/// A cgroup operation failed. The message says what was attempted, on which file or
/// directory, with which value, the errno text and what to do, e.g.
/// "cgroup: write `bogus` to /sys/fs/cgroup/pids/c1/pids.max: invalid argument (EINVAL);
/// the kernel rejected the value: check its format and range".
/// </summary>
internal sealed class CgroupException : Exception
{
    public CgroupException(string message, string? path = null, string? value = null, int errno = 0)
        : base(message)
    {
        CgroupPath = path;
        Value = value;
        Errno = errno;
    }

    public CgroupException() : this("cgroup operation failed") { }

    public CgroupException(string message) : this(message, path: null) { }

    public CgroupException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The cgroup file or directory the failure is about, when there is one.</summary>
    public string? CgroupPath { get; }

    /// <summary>The value that was written, when the failure is a write.</summary>
    public string? Value { get; }

    /// <summary>The Linux errno; 0 when the failure is not a syscall's.</summary>
    public int Errno { get; }

    /// <summary>A failed write of <paramref name="value"/> to the control file <paramref name="path"/>.</summary>
    internal static CgroupException ForWrite(string path, string value, int errno) =>
        new($"cgroup: write `{value}` to {path}: {Describe(errno)}; {WriteHint(Path.GetFileName(path), errno)}",
            path, value, errno);

    /// <summary>A failed operation (read, mkdir, rmdir, ...) on <paramref name="path"/>.</summary>
    internal static CgroupException ForOperation(string operation, string path, int errno, string hint) =>
        new($"cgroup: {operation} {path}: {Describe(errno)}; {hint}", path, null, errno);

    /// <summary>"invalid argument (EINVAL)": the errno's text and its name, which is what people search for.</summary>
    internal static string Describe(int errno)
    {
        var name = Name(errno);
        var text = Hutch.Linux.Errno.Describe(errno);
        return name is null ? text : $"{text} ({name})";
    }

    private static string? Name(int errno) => errno switch
    {
        Hutch.Linux.Errno.EPERM => "EPERM",
        Hutch.Linux.Errno.ENOENT => "ENOENT",
        Hutch.Linux.Errno.ESRCH => "ESRCH",
        Hutch.Linux.Errno.EIO => "EIO",
        Hutch.Linux.Errno.EAGAIN => "EAGAIN",
        Hutch.Linux.Errno.ENOMEM => "ENOMEM",
        Hutch.Linux.Errno.EACCES => "EACCES",
        Hutch.Linux.Errno.EBUSY => "EBUSY",
        Hutch.Linux.Errno.EEXIST => "EEXIST",
        Hutch.Linux.Errno.ENODEV => "ENODEV",
        Hutch.Linux.Errno.ENOTDIR => "ENOTDIR",
        Hutch.Linux.Errno.EINVAL => "EINVAL",
        Hutch.Linux.Errno.ENOSPC => "ENOSPC",
        Hutch.Linux.Errno.EROFS => "EROFS",
        Hutch.Linux.Errno.ERANGE => "ERANGE",
        Hutch.Linux.Errno.ENOTEMPTY => "ENOTEMPTY",
        Hutch.Linux.Errno.EOPNOTSUPP => "EOPNOTSUPP",
        _ => null,
    };

    private static string WriteHint(string file, int errno) => errno switch
    {
        Hutch.Linux.Errno.ENOENT =>
            $"{file} does not exist: the controller is not enabled in this cgroup or this kernel lacks the feature",
        Hutch.Linux.Errno.EINVAL =>
            "the kernel rejected the value: check its format and range",
        Hutch.Linux.Errno.EBUSY =>
            "the cgroup is busy: a limit below the current usage, or a change the kernel refuses while processes are inside",
        Hutch.Linux.Errno.ENOSPC when file is "cgroup.procs" or "tasks" =>
            "the cgroup cannot take processes: a cpuset with empty cpus or mems, or a pids/descendants limit reached",
        Hutch.Linux.Errno.ENOSPC =>
            "a kernel limit was reached: check the value against the parent cgroup's limits",
        Hutch.Linux.Errno.EACCES or Hutch.Linux.Errno.EPERM or Hutch.Linux.Errno.EROFS =>
            "not allowed: run as root with the cgroup filesystem mounted read-write",
        Hutch.Linux.Errno.ESRCH =>
            "the process does not exist any more",
        Hutch.Linux.Errno.EOPNOTSUPP =>
            "this kernel does not support the operation on this cgroup",
        _ => "check the value and the cgroup",
    };
}
