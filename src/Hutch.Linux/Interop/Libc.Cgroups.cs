using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// What the cgroup manager needs beyond files: rmdir(2), the only way to remove a cgroup
/// (its control files cannot be unlinked, so recursive deletes do not apply).
/// </summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rmdir(string path);

    /// <summary>rmdir(2). Returns 0 or -errno.</summary>
    internal static int RemoveDirectory(string path) => rmdir(path) == 0 ? 0 : -LastErrno;

    /// <summary>mkdir(2) (the mode passes through the umask). Returns 0 or -errno.</summary>
    internal static int MakeDirectory(string path, uint mode) => mkdir(path, mode) == 0 ? 0 : -LastErrno;
}
