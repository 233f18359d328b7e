using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Linux.Paths;
using Hutch.Spec;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// Mounts one entry of config.json "mounts" inside the rootfs: the destination resolved (and
/// created) inside the root, the mount made onto that fd, then its per-mount attributes,
/// recursive attributes (mount_setattr) and propagation changes in the order given.
/// </summary>
internal sealed class ConfigMounts(SafeFd root, ContainerConfig config, RootfsOptions options)
{
    private const MountExtensions BindOnlyExtensions =
        MountExtensions.CopySymlink | MountExtensions.SourceNoFollow | MountExtensions.DestinationNoFollow;

    /// <summary>
    /// Mounts <paramref name="mount"/>, mounts[<paramref name="index"/>] of the config; returns
    /// true when it is a tmpfs left rw to be made ro at the end.
    /// </summary>
    public bool Mount(Mount mount, int index)
    {
        var destination = RootPath.Clean(mount.Destination);
        var parsed = MountOptions.Parse(mount.Options);
        var isBind = parsed.Bind || mount.Type == "bind";
        if (MountIdMapping.IsIdMapped(mount))
        {
            if (!isBind)
            {
                // Also refused by ConfigValidator; kept for a builder given an unchecked config.
                throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                    $"{JsonPath.Index("mounts", index)}: id-mapped mounts (idmap, ridmap, uidMappings, gidMappings) apply to bind mounts only");
            }
            Bind(mount, destination, parsed, index);
            return false;
        }
        if ((parsed.Extensions & MountExtensions.TmpCopyUp) != 0 && (isBind || mount.Type != "tmpfs"))
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                "tmpcopyup applies to tmpfs mounts only");
        }
        if ((parsed.Extensions & BindOnlyExtensions) != 0 && !isBind)
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                "copy-symlink, src-nofollow and dest-nofollow apply to bind mounts only");
        }
        if (isBind)
        {
            Bind(mount, destination, parsed, idMappedIndex: null);
            return false;
        }
        var type = mount.Type;
        if (string.IsNullOrEmpty(type) || type == "none")
        {
            throw new MountException("mount", mount.Source, destination, Hutch.Linux.Errno.EINVAL,
                "a mount without a filesystem type must have the bind or rbind option");
        }
        // runc's way: a read-only tmpfs is mounted rw and made ro at the end, so /dev can be populated.
        var deferReadonly = type == "tmpfs" && (parsed.Flags & MountFlags.ReadOnly) != 0;
        var flags = parsed.Flags & ~(MountFlags.Bind | MountFlags.Recursive | MountFlags.Remount);
        if (deferReadonly)
        {
            flags &= ~MountFlags.ReadOnly;
        }
        var sysfsDenied = false;
        using (var target = RootPath.MkdirAll(root, destination))
        {
            if (type == "cgroup" || type == "cgroup2")
            {
                new CgroupMount(root, config).Mount(mount, destination, target, flags, parsed);
            }
            else if ((parsed.Extensions & MountExtensions.TmpCopyUp) != 0)
            {
                TmpfsCopyUp.Mount(mount.Source ?? type, target, destination, flags, parsed);
            }
            else
            {
                try
                {
                    Mounter.Mount(mount.Source ?? type, target, destination, type, flags, parsed.Data);
                }
                catch (MountException e) when (type == "sysfs" && e.Errno == Hutch.Linux.Errno.EPERM)
                {
                    sysfsDenied = true;
                }
            }
        }
        if (sysfsDenied)
        {
            // A new sysfs needs CAP_SYS_ADMIN over the owner of the network namespace: a user
            // namespace sharing the host's network namespace has none. runc binds the host's
            // /sys instead; so does hutch, with the mount's flags applied to every submount.
            BindHostSysfs(mount, destination);
            return false;
        }
        ApplyAttributes(destination, parsed);
        return deferReadonly;
    }

    private void BindHostSysfs(Mount mount, string destination)
    {
        var options = new List<string> { "rbind" };
        foreach (var option in mount.Options ?? [])
        {
            options.Add(option is "ro" or "nosuid" or "nodev" or "noexec" ? "r" + option : option);
        }
        var bind = new Mount { Destination = mount.Destination, Type = "bind", Source = "/sys", Options = options };
        Bind(bind, destination, MountOptions.Parse(options), idMappedIndex: null);
    }

    /// <summary>
    /// A bind mount of mount.Source; <paramref name="idMappedIndex"/> (the mount's index in the
    /// config) when it is id-mapped: the source's clone then comes id-mapped from
    /// RootfsOptions.IdMappedTree and is attached by fd.
    /// </summary>
    private void Bind(Mount mount, string destination, ParsedMountOptions parsed, int? idMappedIndex)
    {
        if (string.IsNullOrEmpty(mount.Source))
        {
            throw new MountException("bind mount", null, destination, Hutch.Linux.Errno.EINVAL, "a bind mount needs a source");
        }
        var source = Path.GetFullPath(mount.Source, options.Bundle ?? Directory.GetCurrentDirectory());
        var extensions = parsed.Extensions;
        if ((extensions & MountExtensions.CopySymlink) != 0 && (extensions & (MountExtensions.SourceNoFollow | MountExtensions.DestinationNoFollow)) != 0)
        {
            throw new MountException("bind mount", source, destination, Hutch.Linux.Errno.EINVAL,
                "copy-symlink cannot be combined with src-nofollow or dest-nofollow");
        }
        // The source is a host path the config names: stat it for its type, following a final
        // symlink unless src-nofollow or copy-symlink asks for the symlink itself.
        var noFollow = (extensions & (MountExtensions.SourceNoFollow | MountExtensions.CopySymlink)) != 0;
        var rc = OpenAt(null, source, O_PATH | (noFollow ? O_NOFOLLOW : 0), 0, out var sourceFd);
        using (sourceFd)
        {
            if (rc < 0)
            {
                throw new MountException("bind mount", source, destination, -rc, "the source must exist on the host");
            }
            rc = Fstat(sourceFd, out var st);
            if (rc < 0)
            {
                throw new MountException("bind mount", source, destination, -rc);
            }
            if (st.Type == S_IFLNK && (extensions & MountExtensions.CopySymlink) != 0)
            {
                CopySymlink(sourceFd, source, destination);
                return;
            }
            if (st.Type == S_IFLNK || (extensions & MountExtensions.DestinationNoFollow) != 0 || idMappedIndex is not null)
            {
                BindByFd(sourceFd, source, st.Type, destination, parsed, idMappedIndex);
                return;
            }
            using var target = st.Type == S_IFDIR ? RootPath.MkdirAll(root, destination) : RootPath.CreateFile(root, destination);
            // Bind the opened source, not the path again: what was checked is what gets mounted.
            Mounter.Mount(RootPath.ProcFdPath(sourceFd), target, destination, null,
                MountFlags.Bind | (parsed.Recursive ? MountFlags.Recursive : 0), null, "bind mount");
        }
        // A bind mount takes no flags at mount time: ro, nosuid ... are set on the new mount.
        var (set, clear) = MountOptions.ToMountAttr(parsed.Flags, parsed.ClearFlags);
        if (set != MountAttr.None || clear != MountAttr.None)
        {
            using var mounted = RootPath.Open(root, destination);
            Mounter.SetAttributes(mounted, destination, recursive: false, set, clear);
        }
        ApplyAttributes(destination, parsed);
    }

    /// <summary>
    /// src-nofollow (a symlink source bound itself), dest-nofollow (a symlink destination
    /// mounted over, not followed; it must exist) and id-mapped mounts: the source's tree is
    /// cloned (open_tree) and attached (move_mount) by fds, and its attributes set through the
    /// clone's fd, since a path lookup of the destination would follow the symlink now mounted
    /// there. An id-mapped clone (<paramref name="idMappedIndex"/>) comes from
    /// RootfsOptions.IdMappedTree, already id-mapped, detached: nothing is attached if that fails.
    /// </summary>
    private void BindByFd(SafeFd sourceFd, string source, uint sourceType, string destination, ParsedMountOptions parsed,
        int? idMappedIndex)
    {
        SafeFd target;
        if ((parsed.Extensions & MountExtensions.DestinationNoFollow) != 0)
        {
            var rc = RootPath.TryOpen(root, destination, O_PATH | O_NOFOLLOW, out target);
            if (rc < 0)
            {
                target.Dispose();
                throw new MountException("bind mount", source, destination, -rc, "with dest-nofollow the destination must exist");
            }
        }
        else
        {
            target = sourceType == S_IFDIR ? RootPath.MkdirAll(root, destination) : RootPath.CreateFile(root, destination);
        }
        using (target)
        {
            using var clone = idMappedIndex is { } index
                ? (options.IdMappedTree ?? throw new MountException("bind mount", source, destination, Hutch.Linux.Errno.EOPNOTSUPP,
                      $"{JsonPath.Index("mounts", index)} is id-mapped, which only `hutch create` can set up"))(index, sourceFd)
                : Mounter.CloneTree(sourceFd, "", parsed.Recursive, source);
            Mounter.Attach(clone, target, source, destination);
            var (set, clear) = MountOptions.ToMountAttr(parsed.Flags, parsed.ClearFlags);
            if (set != MountAttr.None || clear != MountAttr.None)
            {
                Mounter.SetAttributes(clone, destination, recursive: false, set, clear);
            }
            ApplyAttributes(clone, destination, parsed);
        }
    }

    /// <summary>
    /// copy-symlink with a symlink source: the same symlink made at the destination instead of a
    /// mount. A destination that exists must already be that symlink (crun's rule).
    /// </summary>
    private void CopySymlink(SafeFd sourceFd, string source, string destination)
    {
        var rc = ReadLink(sourceFd, out var linkTarget);
        if (rc < 0)
        {
            throw new MountException("copy-symlink: read symlink", null, source, -rc);
        }
        var parentPath = Path.GetDirectoryName(destination) ?? "/";
        var name = Path.GetFileName(destination);
        if (name.Length == 0)
        {
            throw new MountException("copy-symlink", source, destination, Hutch.Linux.Errno.EINVAL, "the destination cannot be /");
        }
        using var parent = RootPath.MkdirAll(root, parentPath);
        rc = SymlinkAt(linkTarget, parent, name);
        if (rc == -Hutch.Linux.Errno.EEXIST)
        {
            rc = OpenAt(parent, name, O_PATH | O_NOFOLLOW, 0, out var existing);
            using (existing)
            {
                if (rc == 0 && ReadLink(existing, out var existingTarget) == 0 && existingTarget == linkTarget)
                {
                    return;
                }
            }
            throw new MountException("copy-symlink", source, destination, Hutch.Linux.Errno.EEXIST,
                $"the destination exists and is not a symlink to {linkTarget}");
        }
        if (rc < 0)
        {
            throw new MountException("copy-symlink: create symlink", source, destination, -rc);
        }
    }

    private void ApplyAttributes(string destination, ParsedMountOptions parsed)
    {
        if (!parsed.HasRecursiveAttributes && parsed.PropagationSteps.Count == 0)
        {
            return;
        }
        using var mounted = RootPath.Open(root, destination);
        ApplyAttributes(mounted, destination, parsed);
    }

    private static void ApplyAttributes(SafeFd mounted, string destination, ParsedMountOptions parsed)
    {
        if (parsed.HasRecursiveAttributes)
        {
            Mounter.SetAttributes(mounted, destination, recursive: true, parsed.RecursiveSet, parsed.RecursiveClear);
        }
        foreach (var step in parsed.PropagationSteps)
        {
            Mounter.SetAttributes(mounted, destination, recursive: (step & MountFlags.Recursive) != 0,
                MountAttr.None, MountAttr.None, step);
        }
    }
}
