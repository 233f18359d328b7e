using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// linux.sysctl, written through a procfs instance of our own (fsopen + fsmount: attached
/// nowhere), never through the container's /proc, which the container's image or mounts could
/// redirect to another file (CVE-2025-52881).
/// </summary>
internal static class Sysctls
{
    // The sysctls that belong to a namespace (runc's list): anything else would change the host.
    private static readonly string[] IpcKeys =
        ["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"];

    public static SafeFd OpenPrivateProc() => Mounter.CreateDetached("proc", [], MountAttr.NoSuid | MountAttr.NoDev | MountAttr.NoExec);

    public static void Write(SafeFd proc, IReadOnlyDictionary<string, string> sysctls)
    {
        foreach (var (key, value) in sysctls)
        {
            if (!IsNamespaced(key))
            {
                throw new MountException(
                    $"sysctl {key}: not a namespaced sysctl; writing it would change the host (allowed: net.*, fs.mqueue.*, kernel.msg*, kernel.sem, kernel.shm*)");
            }
            // "net.ipv4.ip_forward" -> sys/net/ipv4/ip_forward; a key with '/' keeps its dots (eth0.100).
            var path = "sys/" + (key.Contains('/', StringComparison.Ordinal) ? key.Trim('/') : key.Replace('.', '/'));
            var rc = OpenAt2(proc, path, O_WRONLY | O_TRUNC,
                RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, out var fd);
            if (rc == -Hutch.Linux.Errno.ENOSYS)
            {
                fd.Dispose();
                rc = OpenAt(proc, path, O_WRONLY | O_TRUNC | O_NOFOLLOW, 0, out fd);
            }
            using (fd)
            {
                if (rc < 0)
                {
                    throw new MountException("open sysctl", null, $"{key} (/proc/{path})", -rc);
                }
                rc = WriteAll(fd, Encoding.UTF8.GetBytes(value));
                if (rc < 0)
                {
                    throw new MountException($"write \"{value}\" to sysctl", null, key, -rc);
                }
            }
        }
    }

    /// <summary>Whether the sysctl belongs to the ipc, net or mqueue namespace.</summary>
    public static bool IsNamespaced(string key)
    {
        var dotted = key.Replace('/', '.');
        return dotted.StartsWith("net.", StringComparison.Ordinal)
            || dotted.StartsWith("fs.mqueue.", StringComparison.Ordinal)
            || IpcKeys.Contains(dotted, StringComparer.Ordinal);
    }
}
