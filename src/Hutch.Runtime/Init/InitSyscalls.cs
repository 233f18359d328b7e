using System.Runtime.InteropServices;
using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Init;

/// <summary>
/// The few libc calls the init and its parent need that Hutch.Linux/Interop does not offer yet
/// (none is variadic). Kept private to the init's folder; they belong in Libc.Process.cs /
/// Libc.Socket.cs once those files' owners take them.
/// </summary>
internal static partial class InitSyscalls
{
    private const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
    private const uint CLOSE_RANGE_CLOEXEC = 0x4;

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close_range(uint first, uint last, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup3(int oldFd, int newFd, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int setgroups(nuint size, uint* list);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresgid(uint real, uint effective, uint saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresuid(uint real, uint effective, uint saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint umask(uint mask);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int execve(byte* path, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    /// <summary>A connected AF_UNIX stream pair, both ends close-on-exec. Returns 0 or -errno.</summary>
    public static unsafe int SocketPair(out SafeFd parentEnd, out SafeFd childEnd)
    {
        var fds = stackalloc int[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        {
            parentEnd = new SafeFd();
            childEnd = new SafeFd();
            return -Libc.LastErrno;
        }
        parentEnd = new SafeFd(fds[0]);
        childEnd = new SafeFd(fds[1]);
        return 0;
    }

    /// <summary>Marks every fd from <paramref name="first"/> up close-on-exec. Returns 0 or -errno.</summary>
    public static int CloseOnExecFrom(int first) =>
        close_range((uint)first, uint.MaxValue, CLOSE_RANGE_CLOEXEC) == 0 ? 0 : -Libc.LastErrno;

    /// <summary>dup3 without O_CLOEXEC (the copy survives execve). Returns 0 or -errno.</summary>
    public static int DupInheritable(int oldFd, int newFd) => dup3(oldFd, newFd, 0) >= 0 ? 0 : -Libc.LastErrno;

    public static unsafe int SetGroups(IReadOnlyList<uint> groups)
    {
        var list = groups.ToArray();
        fixed (uint* p = list)
        {
            return setgroups((nuint)list.Length, p) == 0 ? 0 : -Libc.LastErrno;
        }
    }

    public static int SetResGid(uint gid) => setresgid(gid, gid, gid) == 0 ? 0 : -Libc.LastErrno;

    public static int SetResUid(uint uid) => setresuid(uid, uid, uid) == 0 ? 0 : -Libc.LastErrno;

    public static void SetUmask(uint mask) => umask(mask);

    public static int ChangeDirectory(string path) => chdir(path) == 0 ? 0 : -Libc.LastErrno;

    public static bool IsRoot => geteuid() == 0;

    public static uint EffectiveUid => geteuid();

    /// <summary>execve(2); returns only on failure, with -errno.</summary>
    public static unsafe int Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        var strings = new List<nint>();
        try
        {
            var pathPtr = (byte*)Marshal.StringToCoTaskMemUTF8(path);
            strings.Add((nint)pathPtr);
            var argvPtr = stackalloc byte*[argv.Count + 1];
            for (var i = 0; i < argv.Count; i++)
            {
                argvPtr[i] = (byte*)Marshal.StringToCoTaskMemUTF8(argv[i]);
                strings.Add((nint)argvPtr[i]);
            }
            argvPtr[argv.Count] = null;
            var envPtr = stackalloc byte*[envp.Count + 1];
            for (var i = 0; i < envp.Count; i++)
            {
                envPtr[i] = (byte*)Marshal.StringToCoTaskMemUTF8(envp[i]);
                strings.Add((nint)envPtr[i]);
            }
            envPtr[envp.Count] = null;
            execve(pathPtr, argvPtr, envPtr);
            return -Libc.LastErrno;
        }
        finally
        {
            foreach (var p in strings)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>Errno.Describe, for messages.</summary>
    public static string Describe(int errno) => Errno.Describe(errno);
}
