using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace Hutch.Linux.Namespaces;

/// <summary>
/// Network namespaces by file: open one (a named one under /var/run/netns, a process's
/// /proc/PID/ns/net), identify it (its nsfs inode), and run code inside it on a thread of its own.
/// </summary>
internal static class NetworkNamespace
{
    /// <summary>Where `ip netns add NAME` bind-mounts named namespaces.</summary>
    public const string NamedNamespaceDirectory = "/var/run/netns";

    private const int CLONE_NEWNET = 0x40000000;

    /// <summary>
    /// Opens a network namespace file (close-on-exec, read-only) and checks that it is a
    /// namespace file: a path to anything else fails here, not at setns. The kind is checked
    /// here when the path is a /proc/PID/ns link (whose target reads "net:[INODE]"); for a
    /// bind mount such as /var/run/netns/NAME only setns(CLONE_NEWNET) can tell (EINVAL).
    /// </summary>
    public static SafeFd Open(string path)
    {
        var fd = OpenFile(path, "open network namespace");
        try
        {
            var (device, _) = Identity(fd, path);
            if (device != NamespaceFilesystemDevice.Value)
            {
                throw new NetworkNamespaceException("open network namespace", path, Errno.EINVAL,
                    "this is not a namespace file (expected /var/run/netns/NAME or /proc/PID/ns/net)");
            }
            var link = ProcFdLink(fd);
            if (link is not null && IsNamespaceLink(link) && !link.StartsWith("net:[", StringComparison.Ordinal))
            {
                throw new NetworkNamespaceException("open network namespace", path, Errno.EINVAL,
                    $"this is not a network namespace (it is `{link}`)");
            }
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Opens the namespace `ip netns add NAME` created.</summary>
    public static SafeFd OpenNamed(string name) => Open(Path.Combine(NamedNamespaceDirectory, name));

    /// <summary>Opens the network namespace of a process.</summary>
    public static SafeFd OpenOfProcess(int pid) => Open($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net");

    /// <summary>Opens the calling thread's own network namespace.</summary>
    public static SafeFd OpenCurrent() => Open("/proc/thread-self/ns/net");

    /// <summary>
    /// The namespace's inode number (stat's st_ino for the nsfs file, what `ls -iL` and
    /// `lsns` show): two paths name the same namespace exactly when these match.
    /// </summary>
    public static ulong Inode(string path)
    {
        using var fd = Open(path);
        return Identity(fd, path).Inode;
    }

    /// <summary>The nsfs device and inode of an open namespace file: what names the namespace itself.</summary>
    public static (ulong Device, ulong Inode) IdentityOf(SafeFd netnsFd) => Identity(netnsFd, "fd " + netnsFd.Fd.ToString(CultureInfo.InvariantCulture));

    /// <summary>The inode number of an open namespace file.</summary>
    public static ulong Inode(SafeFd netnsFd) => Identity(netnsFd, "fd " + netnsFd.Fd.ToString(CultureInfo.InvariantCulture)).Inode;

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that first joined the namespace, and
    /// waits for it. The thread ends with the action, so the namespace change dies with it;
    /// the action must stay on that thread (no new threads, no await). A netlink socket
    /// opened there stays bound to that namespace afterwards, whoever uses it.
    /// setns(CLONE_NEWNET) changes only the calling thread's network namespace and, unlike a
    /// mount namespace, does not require an unshared fs_struct, so no unshare(CLONE_FS) here.
    /// </summary>
    public static T RunIn<T>(SafeHandle netnsFd, Func<T> action)
    {
        var added = false;
        netnsFd.DangerousAddRef(ref added);
        try
        {
            var fd = (int)netnsFd.DangerousGetHandle();
            return NamespaceThread.Run("hutch netns", () =>
            {
                if (Libc.setns(fd, CLONE_NEWNET) != 0)
                {
                    var errno = Libc.LastErrno;
                    throw new NetworkNamespaceException("join network namespace", DescribeFd(fd), errno,
                        errno == Errno.EINVAL ? "the file descriptor is not a network namespace" : null);
                }
            }, action);
        }
        finally
        {
            if (added)
            {
                netnsFd.DangerousRelease();
            }
        }
    }

    /// <summary>Runs an action inside the namespace; see <see cref="RunIn{T}"/>.</summary>
    public static void RunIn(SafeHandle netnsFd, Action action) => RunIn(netnsFd, () =>
    {
        action();
        return 0;
    });

    /// <summary>The device every namespace file lives on (nsfs is one internal mount).</summary>
    private static readonly Lazy<ulong> NamespaceFilesystemDevice = new(() =>
    {
        const string own = "/proc/thread-self/ns/net";
        using var fd = OpenFile(own, "open own network namespace");
        return Identity(fd, own).Device;
    });

    private static SafeFd OpenFile(string path, string operation)
    {
        SafeFileHandle file;
        try
        {
            // .NET opens with O_CLOEXEC; no variadic open(2) P/Invoke needed.
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NetworkNamespaceException(operation, path, ErrnoOf(e),
                e is FileNotFoundException or DirectoryNotFoundException
                    ? "no such namespace (named ones are created with `ip netns add NAME`)"
                    : null);
        }
        // Hand the fd to a SafeFd (which, unlike SafeFileHandle, treats fd 0 as valid).
        var fd = new SafeFd((int)file.DangerousGetHandle());
        file.SetHandleAsInvalid();
        return fd;
    }

    private static (ulong Device, ulong Inode) Identity(SafeFd fd, string pathForErrors)
    {
        if (Libc.NamespaceFileIdentity(fd.Fd, out var device, out var inode) != 0)
        {
            throw new NetworkNamespaceException("stat namespace file", pathForErrors, Libc.LastErrno);
        }
        return (device, inode);
    }

    /// <summary>The /proc/self/fd link: "net:[4026531840]" for a /proc/PID/ns file, the mount path for a bind mount.</summary>
    private static string? ProcFdLink(SafeFd fd)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + fd.Fd.ToString(CultureInfo.InvariantCulture)).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsNamespaceLink(string link) =>
        link.EndsWith(']') && link.IndexOf(":[", StringComparison.Ordinal) is > 0 and var colon
        && link[..colon].All(char.IsAsciiLetterLower);

    private static string DescribeFd(int fd)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture)).LinkTarget
                ?? "fd " + fd.ToString(CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return "fd " + fd.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The errno behind a .NET file exception (generic IOExceptions carry it as HResult on Linux).</summary>
    private static int ErrnoOf(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        UnauthorizedAccessException => Errno.EACCES,
        PathTooLongException => Errno.ENAMETOOLONG,
        IOException io when io.HResult > 0 && io.HResult < 4096 => io.HResult,
        _ => Errno.EIO,
    };
}
