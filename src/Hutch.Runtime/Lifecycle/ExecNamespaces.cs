using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Paths;
using Hutch.Linux.Spawn;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The namespaces of a container's init that `exec` joins: every /proc/INITPID/ns/* that is not
/// hutch's own (joining one's own user namespace is EINVAL; the others would be no-ops), opened
/// before the spawn so the fds pin them. The spawn orders the joins user first, mount last.
/// </summary>
internal sealed class ExecNamespaces : IDisposable
{
    private readonly List<NamespaceJoin> _joins = [];

    private ExecNamespaces()
    {
    }

    public IReadOnlyList<NamespaceJoin> Joins => _joins;

    public static ExecNamespaces Open(int initPid)
    {
        var opened = new ExecNamespaces();
        try
        {
            foreach (var kind in NamespaceKinds.JoinOrder)
            {
                var path = kind.ProcPath(initPid);
                var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
                if (rc == -Errno.ENOENT)
                {
                    fd.Dispose();
                    continue; // a kind this kernel does not have (time before 5.6)
                }
                if (rc < 0)
                {
                    fd.Dispose();
                    throw new NamespaceException($"open the container's {kind.OciName()} namespace", path, -rc);
                }
                if (SameAs(fd, kind.ProcPath(Environment.ProcessId)))
                {
                    fd.Dispose();
                    continue;
                }
                opened._joins.Add(new NamespaceJoin(kind, fd, path));
            }
            return opened;
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>True when the container has its own namespace of this kind.</summary>
    public bool Has(NamespaceKind kind) => _joins.Any(join => join.Kind == kind);

    public void Dispose()
    {
        foreach (var join in _joins)
        {
            join.Fd.Dispose();
        }
        _joins.Clear();
    }

    private static bool SameAs(SafeFd fd, string ownPath)
    {
        var rc = Libc.OpenAt(null, ownPath, Libc.O_RDONLY, 0, out var own);
        using (own)
        {
            if (rc < 0 || PathSyscalls.Fstat(fd, out var theirs) < 0 || PathSyscalls.Fstat(own, out var ours) < 0)
            {
                return false;
            }
            return theirs.Ino == ours.Ino && theirs.DevMajor == ours.DevMajor && theirs.DevMinor == ours.DevMinor;
        }
    }

    /// <summary>
    /// The host id of container id <paramref name="id"/> through /proc/PID/uid_map or gid_map
    /// (identity without a user namespace); null when the id is not mapped.
    /// </summary>
    public static uint? ToHostId(int pid, uint id, bool group) =>
        UserNamespaceIds.Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{(group ? "gid_map" : "uid_map")}")?.ToParent(id);
}
