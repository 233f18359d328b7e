using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>Namespaces: setns(2), unshare(2), and the identity (dev, inode) of a namespace file.</summary>
internal static partial class Libc
{
    /// <summary>Joins the namespace <paramref name="fd"/> refers to; nstype 0 accepts any kind, else a CLONE_NEW* flag that must match.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setns(int fd, int nstype);

    /// <summary>Moves the calling thread into new namespaces or unshares the attributes named by CLONE_* flags.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int unshare(int flags);

    /// <summary>
    /// statx(fd, "", AT_EMPTY_PATH, STATX_INO) reduced to what identifies a namespace file.
    /// Private entry name so it cannot clash with a general statx binding elsewhere in Libc.
    /// </summary>
    internal static unsafe int NamespaceFileIdentity(int fd, out ulong device, out ulong inode)
    {
        const int AtEmptyPath = 0x1000;
        const uint StatxIno = 0x100;
        var buffer = stackalloc byte[256]; // sizeof(struct statx), the same on every architecture
        var result = statx_identity(fd, "", AtEmptyPath, StatxIno, buffer);
        // struct statx: stx_ino at 32, stx_dev_major at 136, stx_dev_minor at 140.
        inode = *(ulong*)(buffer + 32);
        device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return result;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx_identity(int dirFd, string path, int flags, uint mask, byte* buffer);
}
