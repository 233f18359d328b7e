using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.State;

/// <summary>
/// An exclusive flock(2) on a container's directory (&lt;root&gt;/&lt;id&gt; itself, through an
/// O_CLOEXEC directory fd), held until Dispose. Commands that change a container take it
/// (create holds it from the claim until state.json is written), so they run one at a
/// time per container. The kernel drops it when the process dies, so a crash never
/// leaves a container locked. Readers (state, list) do not need it: state.json is replaced
/// atomically.
/// </summary>
internal sealed class ContainerLock : IDisposable
{
    private readonly Libc.DirStream _dir;

    private ContainerLock(string id, string directory, Libc.DirStream dir)
    {
        Id = id;
        Directory = directory;
        _dir = dir;
    }

    public string Id { get; }

    /// <summary>The locked directory (&lt;root&gt;/&lt;id&gt;).</summary>
    public string Directory { get; private set; }

    /// <summary>False after Dispose.</summary>
    public bool IsHeld => !_dir.IsClosed;

    /// <summary>Releases the lock (closing the directory fd drops the flock).</summary>
    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Locks <paramref name="directory"/>; waits while another process holds it unless
    /// <paramref name="wait"/> is false (then returns null when it is busy). The directory
    /// may be removed, and even claimed again, while this waits: the lock is only returned
    /// if the path still names the very directory that was locked, and a removed one is
    /// reported as <see cref="ContainerNotFoundException"/>.
    /// </summary>
    internal static ContainerLock? Acquire(string id, string directory, bool wait)
    {
        while (true)
        {
            var dir = LockDirectory(id, directory, wait);
            if (dir is null)
            {
                return null;
            }
            switch (SameDirectory(dir, directory))
            {
                case true:
                    return new ContainerLock(id, directory, dir);
                case false:
                    dir.Dispose(); // replaced while we waited: lock the new one
                    continue;
                default:
                    dir.Dispose();
                    throw new ContainerNotFoundException(id);
            }
        }
    }

    /// <summary>Locks a directory nobody else knows yet (a claim's private directory); never waits.</summary>
    internal static ContainerLock AcquireNew(string id, string directory) =>
        new(id, directory, LockDirectory(id, directory, wait: false)
            ?? throw new StateException(directory, "is locked by another process although it was just created"));

    /// <summary>
    /// Locks any directory without waiting and without the identity check (for sweeping a
    /// claim's private directory); null when someone holds it.
    /// </summary>
    internal static ContainerLock? TryAcquireUnchecked(string directory) =>
        LockDirectory("", directory, wait: false) is { } dir ? new ContainerLock("", directory, dir) : null;

    /// <summary>The claim renamed the locked directory into place: the flock stays on it.</summary>
    internal void MovedTo(string directory) => Directory = directory;

    private static Libc.DirStream? LockDirectory(string id, string directory, bool wait)
    {
        var dir = Libc.OpenDirectory(directory);
        if (dir.IsInvalid)
        {
            var errno = Libc.LastErrno;
            dir.Dispose();
            if (errno is Errno.ENOENT or Errno.ENOTDIR)
            {
                throw new ContainerNotFoundException(id);
            }
            throw new StateException(directory, $"cannot open the container directory to lock it: {Errno.Describe(errno)}");
        }
        var fd = Libc.dirfd(dir);
        if (Libc.FlockRestarting(fd, Libc.LOCK_EX | (wait ? 0 : Libc.LOCK_NB)) != 0)
        {
            var errno = Libc.LastErrno;
            dir.Dispose();
            if (!wait && errno == Errno.EAGAIN)
            {
                return null;
            }
            throw new StateException(directory, $"cannot lock the container directory (flock): {Errno.Describe(errno)}");
        }
        return dir;
    }

    /// <summary>True: the path names the locked directory; false: another one; null: nothing.</summary>
    private static bool? SameDirectory(Libc.DirStream dir, string path)
    {
        if (Libc.statx(Libc.dirfd(dir), "", Libc.AT_EMPTY_PATH, Libc.STATX_INO, out var held) != 0)
        {
            throw new StateException(path, $"cannot stat the locked directory: {Errno.Describe(Libc.LastErrno)}");
        }
        if (Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_INO, out var now) != 0)
        {
            var errno = Libc.LastErrno;
            return errno is Errno.ENOENT or Errno.ENOTDIR
                ? null
                : throw new StateException(path, $"cannot stat the container directory: {Errno.Describe(errno)}");
        }
        return held.Ino == now.Ino && held.DevMajor == now.DevMajor && held.DevMinor == now.DevMinor;
    }
}
