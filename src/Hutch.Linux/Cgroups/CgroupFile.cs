using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Reads and writes cgroup control files with plain syscalls: a write is exactly one
/// write(2) of the whole value (the kernel parses each write on its own, so buffering or
/// splitting changes the meaning), and failures keep the errno.
/// </summary>
internal static class CgroupFile
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> in one write(2); CgroupException on failure.</summary>
    public static void Write(string path, string value)
    {
        var errno = TryWrite(path, value);
        if (errno != 0)
        {
            throw CgroupException.ForWrite(path, value, errno);
        }
    }

    /// <summary>Writes like <see cref="Write"/>; returns 0 or the errno instead of throwing.</summary>
    public static int TryWrite(string path, string value)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY, 0, out var fd);
        using (fd)
        {
            if (rc < 0)
            {
                return -rc;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            var written = Libc.Write(fd, bytes);
            if (written < 0)
            {
                return -written;
            }
            // A control file takes the whole value or fails; a short write would be a kernel surprise.
            return written == bytes.Length ? 0 : Errno.EIO;
        }
    }

    /// <summary>The file's text as the kernel gives it, or null when it does not exist; CgroupException on other errors.</summary>
    public static string? Read(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
        using (fd)
        {
            if (rc == -Errno.ENOENT)
            {
                return null;
            }
            if (rc < 0)
            {
                throw CgroupException.ForOperation("read", path, -rc, "check that the cgroup exists and is readable");
            }
            var buffer = new byte[4096];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var n = Libc.Read(fd, buffer.AsSpan(length));
                if (n == 0)
                {
                    return Encoding.UTF8.GetString(buffer, 0, length);
                }
                if (n == -Errno.ENODEV || n == -Errno.ENOENT)
                {
                    // The cgroup was removed between open and read.
                    return null;
                }
                if (n < 0)
                {
                    throw CgroupException.ForOperation("read", path, -n, "check that the cgroup exists and is readable");
                }
                length += n;
            }
        }
    }

    /// <summary>The pids listed in a cgroup.procs-style file (one per line); empty when it does not exist.</summary>
    public static IEnumerable<int> ReadPids(string path)
    {
        var text = Read(path);
        if (text is null)
        {
            yield break;
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(line, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }
}
