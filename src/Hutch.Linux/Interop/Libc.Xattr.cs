using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Extended attributes of an open file: flistxattr(2), fgetxattr(2), fsetxattr(2) from libc
/// (fixed arity). Used to carry xattrs (security.capability, ACLs, user.*) into a tmpfs copy-up.
/// </summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint flistxattr(int fd, byte* list, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nint fgetxattr(int fd, string name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int fsetxattr(int fd, string name, byte* value, nuint size, int flags);
}
