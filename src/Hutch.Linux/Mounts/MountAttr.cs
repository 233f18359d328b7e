namespace Hutch.Linux.Mounts;

/// <summary>MOUNT_ATTR_* of mount_setattr(2), fsmount(2) and open_tree_attr (include/uapi/linux/mount.h).</summary>
[Flags]
internal enum MountAttr : ulong
{
    None = 0,
    ReadOnly = 0x1,               // MOUNT_ATTR_RDONLY
    NoSuid = 0x2,                 // MOUNT_ATTR_NOSUID
    NoDev = 0x4,                  // MOUNT_ATTR_NODEV
    NoExec = 0x8,                 // MOUNT_ATTR_NOEXEC

    /// <summary>
    /// MOUNT_ATTR__ATIME: the atime mode is an enum inside this mask, not bits. To change it,
    /// clear the whole mask and set one of RelAtime (0), NoAtime, StrictAtime.
    /// </summary>
    AtimeMask = 0x70,
    RelAtime = 0x0,               // MOUNT_ATTR_RELATIME
    NoAtime = 0x10,               // MOUNT_ATTR_NOATIME
    StrictAtime = 0x20,           // MOUNT_ATTR_STRICTATIME
    NoDirAtime = 0x80,            // MOUNT_ATTR_NODIRATIME
    IdMap = 0x100000,             // MOUNT_ATTR_IDMAP
    NoSymFollow = 0x200000,       // MOUNT_ATTR_NOSYMFOLLOW
}
