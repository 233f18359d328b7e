using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;

namespace Hutch.Runtime.Init;

/// <summary>
/// The running hutch binary seen through a detached, upper-less overlayfs: an O_PATH fd the
/// container's init is executed from (execveat AT_EMPTY_PATH) with no copy of the binary. An
/// overlay without an upper layer is read-only in its superblock, so /proc/PID/exe of the init
/// can be neither opened for writing (EROFS) nor made writable: a remount read-write or a clone of
/// the mount with MOUNT_ATTR_RDONLY cleared still ends at the same read-only superblock
/// (CVE-2019-5736). The mount is never attached to any mount namespace; the open file alone keeps
/// it alive, so nothing needs unmounting. Every refusal throws <see cref="InitException"/> or
/// <see cref="MountException"/>, and the caller falls back to <see cref="SealedSelfCopy"/>.
/// </summary>
internal static class ReadOnlySelfExe
{
    /// <summary>
    /// Opens the binary <paramref name="executable"/> names (a magic link such as /proc/self/exe or
    /// /proc/self/fd/N, or a plain absolute path) through a read-only overlay of its directory.
    /// </summary>
    public static SafeFd Open(string executable = "/proc/self/exe")
    {
        // The running inode itself, which the overlay's view must turn out to be.
        var rc = Libc.OpenAt(null, executable, Libc.O_PATH, 0, out var expected);
        using (expected)
        {
            if (rc < 0)
            {
                throw new InitException($"open {executable} to make a read-only view of hutch: {Errno.Describe(-rc)}");
            }
            var path = LinkTargetOrSelf(executable);
            var slash = path.LastIndexOf('/');
            if (!path.StartsWith('/') || slash == path.Length - 1)
            {
                throw new InitException($"make a read-only view of hutch: {executable} resolves to \"{path}\", not an absolute file path");
            }
            var directoryName = slash == 0 ? "/" : path[..slash];
            var name = path[(slash + 1)..];
            rc = Libc.OpenAt(null, directoryName, Libc.O_PATH | Libc.O_DIRECTORY, 0, out var directory);
            using (directory)
            {
                if (rc < 0)
                {
                    throw new InitException($"open {directoryName}, the directory of hutch, for a read-only view: {Errno.Describe(-rc)}");
                }
                return OpenInDirectory(directory, directoryName, name, expected);
            }
        }
    }

    /// <summary>
    /// Mounts a detached overlay of <paramref name="directory"/> (plus an empty read-only tmpfs:
    /// overlayfs wants two lower layers when it has no upper one) and opens <paramref name="name"/>
    /// in it, O_PATH. Refuses the result unless it is the inode <paramref name="expected"/> refers
    /// to: a directory entry swapped between finding the path and the lookup (a racing upgrade)
    /// would otherwise hand the init another binary.
    /// </summary>
    internal static SafeFd OpenInDirectory(SafeFd directory, string directoryName, string name, SafeFd expected)
    {
        var expectedId = FileIdentity(expected, "the running hutch binary");
        var directoryDevice = FileIdentity(directory, directoryName).Device;
        using var overlay = MountOverlay(directory);
        // O_NOFOLLOW: a symlink put in the binary's place is refused, never followed out of the overlay.
        var rc = Libc.OpenAt(overlay, name, Libc.O_PATH | Libc.O_NOFOLLOW, 0, out var file);
        if (rc < 0)
        {
            file.Dispose();
            throw new InitException($"open {name} in a read-only overlay of {directoryName}: {Errno.Describe(-rc)}");
        }
        try
        {
            // Overlay reports its own st_dev but the lower file's st_ino (xino=off), and a lookup
            // never crosses into another mount inside a layer: the file is on the directory's device.
            var actual = FileIdentity(file, $"{name} in a read-only overlay of {directoryName}");
            if (!actual.IsRegularFile || actual.Inode != expectedId.Inode || directoryDevice != expectedId.Device)
            {
                throw new InitException($"make a read-only view of hutch: {directoryName}/{name} is not the running binary " +
                    $"(inode {actual.Inode.ToString(CultureInfo.InvariantCulture)} on device {directoryDevice}, expected inode " +
                    $"{expectedId.Inode.ToString(CultureInfo.InvariantCulture)} on device {expectedId.Device}; replaced while hutch ran?)");
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The detached overlay mount of <paramref name="directory"/> over an empty read-only tmpfs
    /// (overlayfs wants two lower layers when it has no upper one): a mount fd, read-only, nodev, nosuid.
    /// </summary>
    internal static SafeFd MountOverlay(SafeFd directory)
    {
        using var emptyLayer = Mounter.CreateDetached("tmpfs", [("ro", null), ("size", "4k"), ("mode", "0555")], MountAttr.ReadOnly);
        // Both layers by /proc/self/fd path: no ':' or ',' to escape, and the kernel resolves
        // exactly the directory opened by the caller. The first layer is the top one: its root's
        // owner and mode become the overlay root's. xino=off keeps a lower file's own inode number
        // in st_ino (with xino on, overlay mixes a layer index into the high bits).
        var layers = $"{ProcFdPath(directory)}:{ProcFdPath(emptyLayer)}";
        var overlay = Mounter.CreateDetached("overlay", [("lowerdir", layers), ("xino", "off")],
            MountAttr.ReadOnly | MountAttr.NoDev | MountAttr.NoSuid);
        GC.KeepAlive(directory);
        return overlay;
    }

    private readonly record struct Identity(string Device, ulong Inode, bool IsRegularFile);

    private static Identity FileIdentity(SafeFd fd, string what)
    {
        const uint STATX_TYPE = 0x1;
        const ushort S_IFMT = 0xF000, S_IFREG = 0x8000;
        var rc = Libc.statx(fd.Fd, "", Libc.AT_EMPTY_PATH, STATX_TYPE | Libc.STATX_INO, out var stat);
        var errno = Libc.LastErrno;
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new InitException($"statx {what} for a read-only view of hutch: {Errno.Describe(errno)}");
        }
        var device = string.Create(CultureInfo.InvariantCulture, $"{stat.DevMajor}:{stat.DevMinor}");
        return new Identity(device, stat.Ino, (stat.Mode & S_IFMT) == S_IFREG);
    }

    private static string LinkTargetOrSelf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? path;
        }
        catch (IOException e)
        {
            throw new InitException($"read the link {path} to find the hutch binary: {IoErrors.Describe(e)}", e);
        }
    }

    private static string ProcFdPath(SafeFd fd) => "/proc/self/fd/" + fd.Fd.ToString(CultureInfo.InvariantCulture);
}
