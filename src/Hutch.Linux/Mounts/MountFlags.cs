namespace Hutch.Linux.Mounts;

/// <summary>The MS_* flags of mount(2) (include/uapi/linux/mount.h; identical on every architecture).</summary>
[Flags]
internal enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 1,                 // MS_RDONLY
    NoSuid = 2,                   // MS_NOSUID
    NoDev = 4,                    // MS_NODEV
    NoExec = 8,                   // MS_NOEXEC
    Synchronous = 16,             // MS_SYNCHRONOUS
    Remount = 32,                 // MS_REMOUNT
    MandLock = 64,                // MS_MANDLOCK
    DirSync = 128,                // MS_DIRSYNC
    NoSymFollow = 256,            // MS_NOSYMFOLLOW
    NoAtime = 1024,               // MS_NOATIME
    NoDirAtime = 2048,            // MS_NODIRATIME
    Bind = 4096,                  // MS_BIND
    Move = 8192,                  // MS_MOVE
    Recursive = 16384,            // MS_REC
    Silent = 32768,               // MS_SILENT
    PosixAcl = 1 << 16,           // MS_POSIXACL
    Unbindable = 1 << 17,         // MS_UNBINDABLE
    Private = 1 << 18,            // MS_PRIVATE
    Slave = 1 << 19,              // MS_SLAVE
    Shared = 1 << 20,             // MS_SHARED
    RelAtime = 1 << 21,           // MS_RELATIME
    IVersion = 1 << 23,           // MS_I_VERSION
    StrictAtime = 1 << 24,        // MS_STRICTATIME
    LazyTime = 1 << 25,           // MS_LAZYTIME

    /// <summary>The propagation types: mount(2) accepts one of them per call (plus MS_REC).</summary>
    PropagationMask = Unbindable | Private | Slave | Shared,

    /// <summary>The per-mount flags a bind remount can change (the rest belong to the superblock).</summary>
    PerMountMask = ReadOnly | NoSuid | NoDev | NoExec | NoSymFollow | NoAtime | NoDirAtime | RelAtime | StrictAtime,
}
