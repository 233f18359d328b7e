using Hutch.Linux.Interop;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Linux.Paths;

/// <summary>What the walk does with a missing path component.</summary>
internal enum MissingComponent
{
    /// <summary>ENOENT.</summary>
    Fail,

    /// <summary>Create every missing component as a directory.</summary>
    CreateDirectories,

    /// <summary>Create missing parents as directories and a missing last component as an empty file.</summary>
    CreateFile,
}

/// <summary>
/// Resolves a path inside a root by hand, one component at a time: each step is an
/// openat(parent, name, O_PATH|O_NOFOLLOW), so the kernel never follows a symlink for us. A
/// symlink's target is read and resolved again relative to the root (absolute) or the
/// current directory (relative); ".." never climbs above the root. At most 40 symlinks, like
/// the kernel's MAXSYMLINKS. This is the fallback for kernels without openat2 and the way
/// missing components get created: a symlink anywhere can only lead somewhere inside the root.
/// </summary>
internal static class InRootWalker
{
    public const int MaxSymlinks = 40;

    /// <summary>
    /// Returns an fd on the resolved path, opened with <paramref name="finalFlags"/> (O_PATH by
    /// default). Throws PathException.
    /// </summary>
    public static SafeFd Walk(SafeFd root, string path, MissingComponent missing = MissingComponent.Fail,
        uint directoryMode = 0x1ED /* 0755 */, uint fileMode = 0x1A4 /* 0644 */, int finalFlags = O_PATH)
    {
        var pending = new LinkedList<string>(Split(path));
        // The directories walked so far; [0] is the root (not owned).
        var stack = new List<SafeFd> { root };
        var links = 0;
        try
        {
            while (pending.Count > 0)
            {
                var name = pending.First!.Value;
                pending.RemoveFirst();
                if (name == "..")
                {
                    Pop(stack);
                    continue;
                }
                var parent = stack[^1];
                var isLast = pending.Count == 0;
                var rc = OpenAt(parent, name, O_PATH | O_NOFOLLOW, 0, out var fd);
                if (rc == -Errno.ENOENT && missing != MissingComponent.Fail)
                {
                    fd.Dispose();
                    rc = Create(parent, name, isLast && missing == MissingComponent.CreateFile, directoryMode, fileMode);
                    if (rc < 0 && rc != -Errno.EEXIST)
                    {
                        throw new PathException(isLast && missing == MissingComponent.CreateFile ? "create file" : "create directory", path, -rc,
                            $"component \"{name}\"");
                    }
                    rc = OpenAt(parent, name, O_PATH | O_NOFOLLOW, 0, out fd);
                }
                if (rc < 0)
                {
                    fd.Dispose();
                    throw new PathException("resolve", path, -rc, $"component \"{name}\"");
                }
                rc = Fstat(fd, out var st);
                if (rc < 0)
                {
                    fd.Dispose();
                    throw new PathException("stat", path, -rc, $"component \"{name}\"");
                }
                if (st.Type == S_IFLNK)
                {
                    if (++links > MaxSymlinks)
                    {
                        fd.Dispose();
                        throw new PathException("resolve", path, Errno.ELOOP, $"more than {MaxSymlinks} symlinks");
                    }
                    rc = ReadLink(fd, out var target);
                    fd.Dispose();
                    if (rc < 0)
                    {
                        throw new PathException("read symlink", path, -rc, $"component \"{name}\"");
                    }
                    if (target.StartsWith('/'))
                    {
                        while (stack.Count > 1)
                        {
                            Pop(stack);
                        }
                    }
                    var parts = Split(target);
                    for (var i = parts.Count - 1; i >= 0; i--)
                    {
                        pending.AddFirst(parts[i]);
                    }
                    continue;
                }
                if (!isLast && st.Type != S_IFDIR)
                {
                    fd.Dispose();
                    throw new PathException("resolve", path, Errno.ENOTDIR, $"component \"{name}\"");
                }
                stack.Add(fd);
            }
            var result = stack[^1];
            if (finalFlags == O_PATH)
            {
                if (stack.Count == 1)
                {
                    return Reopen(root, ".", path, finalFlags);
                }
                stack.RemoveAt(stack.Count - 1);
                return result;
            }
            // Reopen the resolved object with the real flags. Relative to its parent by name
            // would race with a rename; "." works for a directory, and for anything else the
            // O_PATH fd is re-opened through its own /proc/self/fd entry checked to be the same inode.
            return ReopenWithFlags(result, path, finalFlags);
        }
        finally
        {
            for (var i = 1; i < stack.Count; i++)
            {
                stack[i].Dispose();
            }
        }
    }

    private static SafeFd ReopenWithFlags(SafeFd resolved, string path, int flags)
    {
        var rc = Fstat(resolved, out var st);
        if (rc < 0)
        {
            throw new PathException("stat", path, -rc);
        }
        if (st.Type == S_IFDIR)
        {
            return Reopen(resolved, ".", path, flags);
        }
        var fd = Reopen(null, $"/proc/self/fd/{resolved.Fd}", path, flags);
        rc = Fstat(fd, out var again);
        if (rc < 0 || again.Ino != st.Ino || again.DevMajor != st.DevMajor || again.DevMinor != st.DevMinor)
        {
            fd.Dispose();
            throw new PathException("reopen", path, Errno.EXDEV, "the file changed while it was being opened");
        }
        return fd;
    }

    private static SafeFd Reopen(SafeFd? dir, string name, string path, int flags)
    {
        var rc = OpenAt(dir, name, flags, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new PathException("open", path, -rc);
        }
        return fd;
    }

    private static int Create(SafeFd parent, string name, bool file, uint directoryMode, uint fileMode)
    {
        if (!file)
        {
            return MkdirAt(parent, name, directoryMode);
        }
        var rc = OpenAt(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, fileMode, out var fd);
        fd.Dispose();
        return rc;
    }

    private static void Pop(List<SafeFd> stack)
    {
        if (stack.Count > 1)
        {
            stack[^1].Dispose();
            stack.RemoveAt(stack.Count - 1);
        }
    }

    internal static List<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToList();
}
