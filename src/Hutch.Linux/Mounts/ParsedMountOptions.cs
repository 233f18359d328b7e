namespace Hutch.Linux.Mounts;

/// <summary>A mount's "options" list, sorted into what each syscall needs (see <see cref="MountOptions"/>).</summary>
internal sealed class ParsedMountOptions
{
    /// <summary>MS_* flags to set, with MS_BIND and MS_REC for bind/rbind; no propagation flags.</summary>
    public MountFlags Flags { get; set; }

    /// <summary>MS_* flags the options explicitly clear (rw, suid, dev, exec, atime ...).</summary>
    public MountFlags ClearFlags { get; set; }

    /// <summary>The propagation changes in the order given, each one type, possibly with MS_REC.</summary>
    public List<MountFlags> PropagationSteps { get; } = [];

    /// <summary>The last propagation change, or None.</summary>
    public MountFlags Propagation => PropagationSteps.Count == 0 ? MountFlags.None : PropagationSteps[^1];

    /// <summary>mount_setattr attributes to set on the whole tree (rro, rnosuid, rnoatime ...).</summary>
    public MountAttr RecursiveSet { get; set; }

    /// <summary>
    /// mount_setattr attributes to clear on the whole tree (rrw, rsuid ...). When an atime option
    /// was given it holds the whole MountAttr.AtimeMask, as the kernel requires.
    /// </summary>
    public MountAttr RecursiveClear { get; set; }

    /// <summary>Whatever is not a flag, comma-joined in order: the filesystem's data string.</summary>
    public string Data { get; set; } = "";

    /// <summary>bind or rbind was given.</summary>
    public bool Bind => (Flags & MountFlags.Bind) != 0;

    /// <summary>rbind was given (MS_BIND | MS_REC).</summary>
    public bool Recursive => Bind && (Flags & MountFlags.Recursive) != 0;

    /// <summary>The runtime's own instructions (tmpcopyup, copy-symlink ...), the last word for each.</summary>
    public MountExtensions Extensions { get; set; }

    /// <summary>idmap or ridmap was given: an id-mapped bind mount (never passed to mount(2)).</summary>
    public bool IdMap { get; set; }

    /// <summary>The last of idmap/ridmap was ridmap: the id mapping is set on every mount of the (rbind) tree.</summary>
    public bool RecursiveIdMap { get; set; }

    /// <summary>Any recursive attribute was given.</summary>
    public bool HasRecursiveAttributes => RecursiveSet != MountAttr.None || RecursiveClear != MountAttr.None;
}
