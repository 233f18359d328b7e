using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Tests.Rootfs;

/// <summary>Looks at the filesystem from the test thread (after pivot_root: the container's view).</summary>
internal static class Probe
{
    public sealed record Node(uint Type, uint Major, uint Minor, uint Perm, uint Uid, uint Gid);

    /// <summary>lstat-like: the node at <paramref name="path"/>, null when missing.</summary>
    public static Node? Stat(string path)
    {
        if (OpenAt(null, path, O_PATH | O_NOFOLLOW, 0, out var fd) < 0)
        {
            fd.Dispose();
            return null;
        }
        using (fd)
        {
            Fstat(fd, out var st);
            return new Node(st.Type, st.RdevMajor, st.RdevMinor, st.Mode & 0xFFFu, st.Uid, st.Gid);
        }
    }

    /// <summary>Creates (or truncates) a file for writing: 0 or -errno (e.g. -EROFS).</summary>
    public static int TryWrite(string path)
    {
        var rc = OpenAt(null, path, O_WRONLY | O_CREAT | O_TRUNC, 0x1A4, out var fd);
        fd.Dispose();
        return rc;
    }

    public static string Read(string path)
    {
        var rc = OpenAt(null, path, O_RDONLY, 0, out var fd);
        using (fd)
        {
            if (rc < 0)
            {
                return $"<errno {-rc}>";
            }
            var buffer = new byte[4096];
            var n = Libc.Read(fd, buffer);
            return n < 0 ? $"<errno {-n}>" : Encoding.UTF8.GetString(buffer, 0, n);
        }
    }

    public static string? ReadLink(string path)
    {
        if (OpenAt(null, path, O_PATH | O_NOFOLLOW, 0, out var fd) < 0)
        {
            fd.Dispose();
            return null;
        }
        using (fd)
        {
            return PathSyscalls.ReadLink(fd, out var target) == 0 ? target : null;
        }
    }
}
