using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>Event notification fds: eventfd(2) (cgroup v1 OOM notifications) and inotify(7).</summary>
internal static partial class Libc
{
    internal const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    internal const int IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;

    /// <summary>inotify event mask bits (linux/inotify.h).</summary>
    internal const uint IN_MODIFY = 0x2, IN_DELETE_SELF = 0x400, IN_IGNORED = 0x8000;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int inotify_init1(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int inotify_add_watch(int fd, string path, uint mask);
}
