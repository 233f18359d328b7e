namespace Hutch.Linux;

/// <summary>Linux errno values (asm-generic; identical on x86-64 and arm64) and their text.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10,
        EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18,
        ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
        ENOSPC = 28, EROFS = 30, EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOPNOTSUPP = 95, EADDRNOTAVAIL = 99, ETIMEDOUT = 110;

    /// <summary>strerror-like lower-case text, e.g. "no such file or directory".</summary>
    public static string Describe(int errno)
    {
        var text = System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno);
        return string.IsNullOrEmpty(text) ? $"errno {errno}" : char.ToLowerInvariant(text[0]) + text[1..];
    }
}
