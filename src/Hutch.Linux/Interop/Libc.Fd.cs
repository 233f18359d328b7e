using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// libc entry points, one file per family (Libc.Fd.cs, Libc.Namespaces.cs, ...),
/// all one partial class. Raw ints live only here; callers get SafeFd and errno.
/// </summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    /// <summary>The errno of the last P/Invoke marked SetLastError.</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();
}
