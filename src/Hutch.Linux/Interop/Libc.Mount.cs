using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// Mounts: mount(2), umount2(2), chroot(2) from libc; pivot_root, the fd-based mount API
/// (open_tree, move_mount, mount_setattr, fsopen, fsconfig, fsmount) through libhutchnative,
/// whose functions return -errno instead of setting errno.
/// </summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mount(string? source, string target, string? filesystemtype, ulong mountflags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chroot(string path);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_pivot_root(string newRoot, string putOld);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_open_tree(int dfd, string path, uint flags);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_move_mount(int fromDfd, string fromPath, int toDfd, string toPath, uint flags);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_mount_setattr(int dfd, string path, uint flags, ulong attrSet, ulong attrClr,
        ulong propagation, ulong usernsFd);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_fsopen(string fsName, uint flags);

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_fsconfig(int fd, uint cmd, string? key, string? value, int aux);

    [LibraryImport("libhutchnative")]
    internal static partial int hutch_fsmount(int fd, uint flags, uint attrFlags);
}
