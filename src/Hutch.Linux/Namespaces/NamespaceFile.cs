using Hutch.Linux.Interop;

namespace Hutch.Linux.Namespaces;

/// <summary>Opens a namespace file (/proc/PID/ns/KIND or a bind-mounted one) as an fd for setns or MOUNT_ATTR_IDMAP.</summary>
internal static class NamespaceFile
{
    public static SafeFd Open(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new NamespaceException("open the namespace file", path, -rc);
        }
        return fd;
    }
}
