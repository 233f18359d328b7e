using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Namespaces;
using Hutch.Spec;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// Makes the detached, id-mapped copy of an id-mapped bind mount's source (config.md, idmap and
/// ridmap): open_tree(OPEN_TREE_CLONE, with AT_RECURSIVE for rbind) of the source, then
/// mount_setattr(MOUNT_ATTR_IDMAP, with AT_RECURSIVE for ridmap) from a user namespace fd: one
/// made for the mount's own uidMappings/gidMappings, else the container's. The init attaches the
/// copy (move_mount); a copy never attached vanishes with its fd, so a failure leaves nothing.
/// Setting the mapping needs CAP_SYS_ADMIN over the filesystem's user namespace (the host's):
/// create's parent does it, never the init.
/// </summary>
internal static class IdMappedTree
{
    /// <summary>
    /// For the create parent: the id-mapped copy of <paramref name="source"/> (the init's O_PATH fd
    /// of mounts[<paramref name="index"/>].source), cloned inside the init's mount namespace (a
    /// mount can only be cloned from the namespace it is in), mapped with the mount's own mappings
    /// or the init's user namespace (<paramref name="initPid"/>, already mapped).
    /// </summary>
    public static SafeFd CreateForInit(ContainerConfig config, int index, SafeFd source, int initPid)
    {
        var mounts = config.Mounts ?? [];
        if (index < 0 || index >= mounts.Count || !MountIdMapping.IsIdMapped(mounts[index]))
        {
            throw new MountException($"the init asked for an id-mapped copy of mounts[{index}], which is not an id-mapped mount " +
                                     "(a protocol error between hutch versions?)");
        }
        var mount = mounts[index];
        using var userNamespace = MountIdMapping.HasMappings(mount)
            ? MapUserNamespace(mount, index)
            : NamespaceFile.Open(NamespaceKind.User.ProcPath(initPid));
        using var mountNamespace = NamespaceFile.Open(NamespaceKind.Mount.ProcPath(initPid));
        return MountNamespace.RunIn(mountNamespace, $"of the container's init (pid {initPid})",
            () => Create(mount, index, source, userNamespace));
    }

    /// <summary>
    /// The id-mapped copy of <paramref name="source"/> for mounts[<paramref name="index"/>], made by
    /// the calling thread, which must be in the source's mount namespace, with
    /// <paramref name="userNamespace"/> giving the mapping.
    /// </summary>
    public static SafeFd Create(Mount mount, int index, SafeFd source, SafeFd userNamespace)
    {
        var parsed = MountOptions.Parse(mount.Options);
        var name = $"{JsonPath.Index("mounts", index)} ({mount.Source} on {mount.Destination})";
        var tree = Mounter.CloneTree(source, "", parsed.Recursive, name);
        try
        {
            Mounter.MapIds(tree, userNamespace, parsed.RecursiveIdMap, name);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>The mount's own mappings as a user namespace; the kernel's refusal (overlapping ranges, too many lines) names the mount.</summary>
    private static SafeFd MapUserNamespace(Mount mount, int index)
    {
        try
        {
            return MappedUserNamespace.Create(Entries(mount.UidMappings), Entries(mount.GidMappings));
        }
        catch (NamespaceException e)
        {
            throw new MountException($"{JsonPath.Index("mounts", index)}.uidMappings/gidMappings: the kernel refused them as a user " +
                                     $"namespace's id maps: {e.Message} (ranges may not overlap on either side; at most 340 of them)", e);
        }
    }

    private static List<IdMapEntry> Entries(List<LinuxIdMapping>? mappings) =>
        mappings?.Select(m => new IdMapEntry(m.ContainerID, m.HostID, m.Size)).ToList() ?? [];
}
