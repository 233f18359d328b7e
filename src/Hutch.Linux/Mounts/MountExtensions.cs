namespace Hutch.Linux.Mounts;

/// <summary>
/// Mount options that are no mount(2) flag but an instruction to the runtime (runc's and crun's
/// "extensions"), as podman, CRI-O and crun's users write them in config.json.
/// </summary>
[Flags]
internal enum MountExtensions
{
    None = 0,

    /// <summary>tmpcopyup (runc, crun; podman and CRI-O add it to their tmpfs): the directory a
    /// tmpfs covers is copied into it. notmpcopyup undoes an earlier tmpcopyup.</summary>
    TmpCopyUp = 1,

    /// <summary>copy-symlink (crun; podman's no-dereference): a bind mount whose source is a
    /// symlink makes the same symlink at the destination instead of a mount.</summary>
    CopySymlink = 2,

    /// <summary>src-nofollow (crun): a bind mount's source symlink is bound itself, not followed.</summary>
    SourceNoFollow = 4,

    /// <summary>dest-nofollow (crun): a bind mount's destination symlink is mounted over itself, not followed.</summary>
    DestinationNoFollow = 8,
}
