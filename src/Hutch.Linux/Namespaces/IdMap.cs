using System.Globalization;
using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Namespaces;

/// <summary>One line of /proc/PID/uid_map or gid_map: <see cref="Size"/> ids from <see cref="ContainerId"/> inside map to <see cref="HostId"/> outside.</summary>
internal readonly record struct IdMapEntry(uint ContainerId, uint HostId, uint Size);

/// <summary>
/// Writes a new user namespace's id maps from its parent (user_namespaces(7)): each map file
/// takes all its lines in one write, only once. gid_map needs setgroups "deny" first when the
/// writer lacks CAP_SETGID in the parent namespace (not root); as root, setgroups stays
/// "allow" (as runc does), so the container can still set its additional groups.
/// </summary>
internal static class IdMap
{
    /// <summary>Writes uid_map, then setgroups (when not privileged), then gid_map of <paramref name="pid"/>.</summary>
    public static void Write(int pid, IReadOnlyList<IdMapEntry> uids, IReadOnlyList<IdMapEntry> gids, bool privileged)
    {
        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        if (uids.Count > 0)
        {
            WriteFile(proc + "/uid_map", Render(uids), "uid map");
        }
        if (gids.Count > 0)
        {
            if (!privileged)
            {
                WriteFile(proc + "/setgroups", "deny", "setgroups");
            }
            WriteFile(proc + "/gid_map", Render(gids), "gid map");
        }
    }

    /// <summary>"containerID hostID size\n" per entry.</summary>
    public static string Render(IReadOnlyList<IdMapEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.ContainerId} {e.HostId} {e.Size}\n");
        }
        return text.ToString();
    }

    private static void WriteFile(string path, string content, string what)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY, 0, out var fd);
        using (fd)
        {
            if (rc < 0)
            {
                throw new NamespaceException($"open the {what}", path, -rc);
            }
            var bytes = Encoding.ASCII.GetBytes(content);
            var n = Libc.Write(fd, bytes);
            if (n < 0)
            {
                throw new NamespaceException($"write the {what} \"{content.TrimEnd().Replace('\n', ',')}\"", path, -n,
                    -n == Errno.EPERM ? "the host ids must be mapped to the writer, and each map written only once" : null);
            }
            if (n != bytes.Length)
            {
                throw new NamespaceException($"write the {what}", path, Errno.EIO, "a short write: the kernel takes a map in one write");
            }
        }
    }
}
