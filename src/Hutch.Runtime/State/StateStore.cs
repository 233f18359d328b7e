using System.Globalization;
using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.State;

/// <summary>
/// The containers under one --root: a directory per container, &lt;root&gt;/&lt;id&gt; (0711),
/// holding state.json; the root itself is 0700.
/// <list type="bullet">
/// <item>Claim is atomic: the directory is made and locked under a private name
/// ("@claim-...", never a valid id), then renamed into place with RENAME_NOREPLACE, so
/// of N concurrent claimers of one id exactly one wins, and the winner's directory is
/// locked from the moment it appears.</item>
/// <item>A claimed directory without state.json is a create still running (it holds the
/// lock) or one that died: <see cref="Load"/> reports it as
/// <see cref="ContainerIncompleteException"/> (a <see cref="ContainerNotFoundException"/>);
/// <see cref="Ids"/> lists it, so `list` and `delete --force` can see it.</item>
/// <item>Save writes a temporary file and renames it over state.json: a reader sees the old
/// state or the new one, never half of one. No fsync, as runc: the root is in /run, gone
/// with every container at a reboot.</item>
/// </list>
/// </summary>
internal sealed class StateStore
{
    /// <summary>runc uses /run/runc; hutch's default --root.</summary>
    public const string DefaultRoot = "/run/hutch";

    private const uint RootMode = 0b111_000_000; // 0700

    private const uint ContainerMode = 0b111_001_001; // 0711

    private const uint StateFileMode = 0b110_000_000; // 0600

    /// <summary>Temporary names start with this; '@' is not allowed in ids, so they never look like a container.</summary>
    private const string ClaimPrefix = "@claim-";

    /// <summary>A claim's private directory this old and unlocked belongs to a claimer that died.</summary>
    private static readonly TimeSpan AbandonedClaimAge = TimeSpan.FromMinutes(1);

    public StateStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = System.IO.Path.GetFullPath(root);
    }

    /// <summary>The absolute --root.</summary>
    public string Root { get; }

    /// <summary>&lt;root&gt;/&lt;id&gt;; throws <see cref="InvalidContainerIdException"/> for an invalid id.</summary>
    public string DirectoryOf(string id)
    {
        ContainerId.Validate(id);
        return System.IO.Path.Combine(Root, id);
    }

    /// <summary>
    /// Takes the id: creates &lt;root&gt; (0700) when missing and &lt;root&gt;/&lt;id&gt; (0711),
    /// locked. Throws <see cref="ContainerExistsException"/> when the id is taken,
    /// <see cref="InvalidContainerIdException"/>, or <see cref="StateException"/>.
    /// On a failed create: <see cref="Remove"/>, then Dispose.
    /// </summary>
    public ContainerDirectory Claim(string id)
    {
        var final = DirectoryOf(id);
        EnsureRoot();
        SweepAbandonedClaims();
        if (System.IO.Path.Exists(final))
        {
            throw new ContainerExistsException(id);
        }

        var temp = System.IO.Path.Combine(Root,
            ClaimPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
        MakeDirectory(temp);
        ContainerLock? held = null;
        try
        {
            held = ContainerLock.AcquireNew(id, temp);
            if (Libc.renameat2(Libc.AT_FDCWD, temp, Libc.AT_FDCWD, final, Libc.RENAME_NOREPLACE) == 0)
            {
                held.MovedTo(final);
                return new ContainerDirectory(id, final, held);
            }
            var errno = Libc.LastErrno;
            held.Dispose();
            TryDeleteDirectory(temp);
            return errno switch
            {
                Errno.EEXIST or Errno.ENOTEMPTY => throw new ContainerExistsException(id),
                // A file system without RENAME_NOREPLACE: mkdir is atomic too, but the new
                // directory is unlocked for the moment until Lock takes it.
                Errno.EINVAL or Errno.ENOSYS => ClaimWithMkdir(id, final),
                _ => throw new StateException(final, $"cannot claim the container directory (rename {temp}): {Errno.Describe(errno)}"),
            };
        }
        catch
        {
            held?.Dispose();
            TryDeleteDirectory(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads &lt;root&gt;/&lt;id&gt;/state.json. Throws <see cref="ContainerNotFoundException"/>
    /// ("container X does not exist") when there is no such directory,
    /// <see cref="ContainerIncompleteException"/> when the directory has no state.json, and
    /// <see cref="StateException"/> naming the file when it is unreadable or corrupt.
    /// </summary>
    public ContainerState Load(string id)
    {
        var directory = DirectoryOf(id);
        var path = ContainerDirectory.StatePathOf(directory);
        var (bytes, errno) = ReadStateFile(path);
        if (errno == Errno.ENOENT)
        {
            throw Directory.Exists(directory)
                ? new ContainerIncompleteException(id, directory)
                : new ContainerNotFoundException(id);
        }
        if (errno == Errno.ENOTDIR)
        {
            throw new ContainerNotFoundException(id);
        }
        if (bytes is null)
        {
            throw new StateException(path, $"cannot read the container state: {(errno == 0 ? "not a regular file" : Errno.Describe(errno))}");
        }
        var state = StateJson.Parse(bytes, path);
        if (state.Id != id)
        {
            throw new StateException(path, $"holds the state of container \"{state.Id}\", not of \"{id}\" (was it copied by hand?)");
        }
        return state;
    }

    /// <summary>state.json's bytes at most this long: hutch writes a few kilobytes.</summary>
    private const int MaxStateBytes = 4 << 20;

    /// <summary>
    /// The bytes of the state file, or null and the errno (0: not a regular file, or too big).
    /// Opened without following a symlink and without blocking, and checked to be a regular
    /// file: a FIFO, a device (/dev/zero) or a directory in its place must fail, not hang.
    /// </summary>
    private static (byte[]? Bytes, int Errno) ReadStateFile(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK, 0, out var file);
        using (file)
        {
            if (rc < 0)
            {
                return (null, -rc == Errno.ELOOP ? 0 : -rc);
            }
            if (Hutch.Linux.Paths.PathSyscalls.Fstat(file, out var st) < 0 || st.Type != Hutch.Linux.Paths.PathSyscalls.S_IFREG)
            {
                return (null, 0);
            }
            var content = new MemoryStream();
            var chunk = new byte[64 * 1024];
            while (true)
            {
                var n = Libc.Read(file, chunk);
                if (n < 0)
                {
                    return (null, -n);
                }
                if (n == 0)
                {
                    return (content.ToArray(), 0);
                }
                if (content.Length + n > MaxStateBytes)
                {
                    return (null, 0);
                }
                content.Write(chunk, 0, n);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="state"/> to &lt;root&gt;/&lt;state.Id&gt;/state.json atomically. The
    /// directory must exist (<see cref="Claim"/>); the caller should hold its lock.
    /// </summary>
    public void Save(ContainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var directory = DirectoryOf(state.Id);
        if (!Directory.Exists(directory))
        {
            throw new ContainerNotFoundException(state.Id);
        }
        var path = ContainerDirectory.StatePathOf(directory);
        var temp = path + "." + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + ".tmp";
        var bytes = StateJson.Serialize(state);
        var error = WriteNewFile(temp, bytes);
        if (error is null && Libc.renameat2(Libc.AT_FDCWD, temp, Libc.AT_FDCWD, path, 0) != 0)
        {
            error = $"rename {temp}: {Errno.Describe(Libc.LastErrno)}";
        }
        if (error is not null)
        {
            TryDelete(temp);
            throw new StateException(path, $"cannot write the container state: {error}");
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> (O_EXCL, mode 0600 whatever the umask) holding
    /// <paramref name="bytes"/>; null, or what failed. No fsync and no FileStream (whose
    /// FileShare emulation adds a flock): state lives in /run, which a reboot empties along with
    /// every container, so durability buys nothing; the rename alone makes the update atomic.
    /// </summary>
    private static string? WriteNewFile(string path, ReadOnlySpan<byte> bytes)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL, StateFileMode, out var file);
        using (file)
        {
            if (rc < 0)
            {
                return $"create {path}: {Errno.Describe(-rc)}";
            }
            if (Libc.chmod(path, StateFileMode) != 0)
            {
                return $"set mode {Convert.ToString(StateFileMode, 8)} of {path}: {Errno.Describe(Libc.LastErrno)}";
            }
            while (!bytes.IsEmpty)
            {
                var n = Libc.Write(file, bytes);
                if (n <= 0)
                {
                    return $"write {path}: {(n < 0 ? Errno.Describe(-n) : "no progress")}";
                }
                bytes = bytes[n..];
            }
            return null;
        }
    }

    /// <summary>Deletes &lt;root&gt;/&lt;id&gt; and everything in it; nothing to do when it does not exist.</summary>
    public void Remove(string id)
    {
        var directory = DirectoryOf(id);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException(directory, $"cannot remove the container directory: {IoErrors.Describe(e)}", e);
        }
    }

    /// <summary>True when &lt;root&gt;/&lt;id&gt; exists (with or without state.json).</summary>
    public bool Exists(string id) => Directory.Exists(DirectoryOf(id));

    /// <summary>
    /// The ids of every container directory under the root, in ordinal order, including
    /// incomplete ones (no state.json yet). Empty when the root does not exist.
    /// </summary>
    public IReadOnlyList<string> Ids()
    {
        var root = new DirectoryInfo(Root);
        if (!root.Exists)
        {
            return [];
        }
        try
        {
            var ids = root.EnumerateDirectories()
                .Where(d => (d.Attributes & FileAttributes.ReparsePoint) == 0)
                .Select(d => d.Name)
                .Where(name => ContainerId.Check(name) is null)
                .ToList();
            ids.Sort(StringComparer.Ordinal);
            return ids;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException(Root, $"cannot list the containers: {IoErrors.Describe(e)}", e);
        }
    }

    /// <summary>
    /// Locks the container for a command that changes it; waits while another command (or a
    /// create still running) holds it. Throws <see cref="ContainerNotFoundException"/> when
    /// the directory does not exist or is removed while waiting.
    /// </summary>
    public ContainerLock Lock(string id) => ContainerLock.Acquire(id, DirectoryOf(id), wait: true)!;

    /// <summary>Like <see cref="Lock"/>, but returns null at once when another process holds the lock.</summary>
    public ContainerLock? TryLock(string id) => ContainerLock.Acquire(id, DirectoryOf(id), wait: false);

    private ContainerDirectory ClaimWithMkdir(string id, string final)
    {
        if (Libc.mkdir(final, ContainerMode) != 0)
        {
            var errno = Libc.LastErrno;
            throw errno == Errno.EEXIST
                ? new ContainerExistsException(id)
                : new StateException(final, $"cannot create the container directory: {Errno.Describe(errno)}");
        }
        try
        {
            SetMode(final, ContainerMode);
            var held = ContainerLock.Acquire(id, final, wait: true)!;
            return new ContainerDirectory(id, final, held);
        }
        catch
        {
            TryDeleteDirectory(final);
            throw;
        }
    }

    /// <summary>
    /// Removes the private directories of claims whose process died between its mkdir and
    /// its rename: old enough, and unlocked (a live claimer holds its lock throughout).
    /// Best effort: a failure here must not fail the create.
    /// </summary>
    private void SweepAbandonedClaims()
    {
        try
        {
            foreach (var dir in new DirectoryInfo(Root).EnumerateDirectories(ClaimPrefix + "*"))
            {
                if (DateTime.UtcNow - dir.LastWriteTimeUtc < AbandonedClaimAge)
                {
                    continue;
                }
                using var held = ContainerLock.TryAcquireUnchecked(dir.FullName);
                if (held is not null)
                {
                    dir.Delete(recursive: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateException or ContainerNotFoundException)
        {
        }
    }

    private void EnsureRoot()
    {
        if (Directory.Exists(Root))
        {
            return;
        }
        try
        {
            if (System.IO.Path.GetDirectoryName(Root) is { } parent)
            {
                Directory.CreateDirectory(parent);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException(Root, $"cannot create the state root: {IoErrors.MessageOf(e)} (run as root, or pass --root a directory you can write)", e);
        }
        if (Libc.mkdir(Root, RootMode) != 0 && Libc.LastErrno is var errno && errno != Errno.EEXIST)
        {
            throw new StateException(Root, $"cannot create the state root: {Errno.Describe(errno)} (run as root, or pass --root a directory you can write)");
        }
    }

    private static void MakeDirectory(string path)
    {
        if (Libc.mkdir(path, ContainerMode) != 0)
        {
            throw new StateException(path, $"cannot create a directory in the state root: {Errno.Describe(Libc.LastErrno)}");
        }
        SetMode(path, ContainerMode);
    }

    /// <summary>chmod: mkdir's and open's modes pass through the umask; this sets the intended one.</summary>
    private static void SetMode(string path, uint mode)
    {
        if (Libc.chmod(path, mode) != 0)
        {
            throw new StateException(path, $"cannot set mode {Convert.ToString(mode, 8)}: {Errno.Describe(Libc.LastErrno)}");
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error is the one to report.
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error is the one to report.
        }
    }
}
