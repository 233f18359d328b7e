using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;

namespace Hutch.Linux.Namespaces;

/// <summary>
/// Keeps a namespace alive without a process in it: its file bind-mounted on an empty file (as
/// `ip netns add` does under /var/run/netns). A namespace lives while a process, an open fd or
/// such a mount refers to it.
/// </summary>
internal static class NamespacePin
{
    private const uint FileMode = 0b100_000_000; // 0400

    /// <summary>Creates <paramref name="path"/> (it must not exist) and bind-mounts the namespace <paramref name="namespaceFd"/> refers to on it. Throws NamespaceException.</summary>
    public static void Pin(SafeFd namespaceFd, string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL, FileMode, out var file);
        file.Dispose();
        if (rc < 0)
        {
            throw new NamespaceException("create the file to pin a namespace on", path, -rc);
        }
        if (Libc.mount(RootPath.ProcFdPath(namespaceFd), path, null, (ulong)MountFlags.Bind, null) < 0)
        {
            var errno = Libc.LastErrno;
            GC.KeepAlive(namespaceFd);
            throw new NamespaceException("bind-mount the namespace to pin it", path, errno);
        }
        GC.KeepAlive(namespaceFd);
    }

    /// <summary>
    /// Unmounts the pin at <paramref name="path"/> (lazily: an fd open on it keeps the namespace
    /// until closed) and removes the file; nothing to do for what is not there. Throws NamespaceException.
    /// </summary>
    public static void Unpin(string path)
    {
        if (Libc.umount2(path, MountSyscallFlags.UmountDetach) < 0)
        {
            var errno = Libc.LastErrno;
            if (errno is not (Errno.EINVAL or Errno.ENOENT)) // not a mount point, or no file
            {
                throw new NamespaceException("unmount the namespace pin", path, errno);
            }
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NamespaceException($"remove the namespace pin file {path}: {e.Message}", e);
        }
    }
}
