using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Spawn;

/// <summary>
/// An existing namespace a spawned child joins (setns) before execve. <see cref="Source"/>
/// names it in errors (the path it was opened from). The plan does not own <see cref="Fd"/>.
/// </summary>
internal sealed record NamespaceJoin(NamespaceKind Kind, SafeFd Fd, string Source)
{
    /// <summary>Opens a namespace file (/proc/PID/ns/net, a bind mount such as /run/netns/NAME).</summary>
    public static NamespaceJoin Open(NamespaceKind kind, string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new NamespaceException($"open {kind.OciName()} namespace", path, -rc,
                -rc == Errno.ENOENT ? "check the namespace path in config.json; a named netns lives in /run/netns" : null);
        }
        return new NamespaceJoin(kind, fd, path);
    }
}
