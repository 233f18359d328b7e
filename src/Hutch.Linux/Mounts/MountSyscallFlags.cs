namespace Hutch.Linux.Mounts;

/// <summary>The flag words of the fd-based mount syscalls (identical on every architecture).</summary>
internal static class MountSyscallFlags
{
    public const uint OpenTreeClone = 1;              // OPEN_TREE_CLONE
    public const uint OpenTreeCloexec = 0x80000;      // OPEN_TREE_CLOEXEC == O_CLOEXEC (same on x86-64 and arm64)

    public const uint MoveMountFromEmptyPath = 0x04;  // MOVE_MOUNT_F_EMPTY_PATH
    public const uint MoveMountToEmptyPath = 0x40;    // MOVE_MOUNT_T_EMPTY_PATH

    public const uint AtSymlinkNoFollow = 0x100;      // AT_SYMLINK_NOFOLLOW
    public const uint AtEmptyPath = 0x1000;           // AT_EMPTY_PATH
    public const uint AtRecursive = 0x8000;           // AT_RECURSIVE

    public const uint FsOpenCloexec = 1;              // FSOPEN_CLOEXEC
    public const uint FsMountCloexec = 1;             // FSMOUNT_CLOEXEC
    public const uint FsConfigSetFlag = 0;            // FSCONFIG_SET_FLAG
    public const uint FsConfigSetString = 1;          // FSCONFIG_SET_STRING
    public const uint FsConfigCmdCreate = 6;          // FSCONFIG_CMD_CREATE

    public const int UmountDetach = 2;                // MNT_DETACH
}
