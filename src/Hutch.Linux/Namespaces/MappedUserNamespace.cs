using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;

namespace Hutch.Linux.Namespaces;

/// <summary>
/// A user namespace that exists only to carry an id mapping, e.g. for MOUNT_ATTR_IDMAP
/// (mount_setattr(2)): an id-mapped mount takes its mapping from a user namespace fd. A
/// multithreaded .NET process cannot unshare(CLONE_NEWUSER), so a child is cloned into a new
/// user namespace and held before exec (it never execs), its maps are written from here, the
/// namespace is opened through /proc/PID/ns/user, and the child is let go: the open fd keeps
/// the namespace alive after the child has exited.
/// </summary>
internal static class MappedUserNamespace
{
    /// <summary>
    /// Creates the namespace with <paramref name="uids"/> and <paramref name="gids"/> written as
    /// its uid_map and gid_map (needs the privilege to write those maps: root). Returns its fd.
    /// </summary>
    public static SafeFd Create(IReadOnlyList<IdMapEntry> uids, IReadOnlyList<IdMapEntry> gids)
    {
        using var sync = new SyncPipe();
        using var holder = Spawner.Spawn(new SpawnPlan
        {
            // Never executed: the child waits on the sync pipe and exits at EOF.
            Path = "(id mapping holder)",
            NewNamespaces = [NamespaceKind.User],
            SyncFd = sync.ChildEnd,
        });
        sync.ChildEnd.Dispose();
        try
        {
            IdMap.Write(holder.Pid, uids, gids, privileged: Libc.geteuid() == 0);
            return NamespaceFile.Open(NamespaceKind.User.ProcPath(holder.Pid));
        }
        finally
        {
            sync.Abort();
            holder.WaitForExit();
        }
    }
}
