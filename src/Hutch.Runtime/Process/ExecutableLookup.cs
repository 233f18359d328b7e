using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Processes;

/// <summary>
/// process.args[0] to a path, inside the container (the init calls it after pivot_root): a name
/// with a '/' as it is (relative to cwd), otherwise searched in the process env's PATH. Messages
/// are runc's, which podman maps to exit codes: "no such file or directory" and "executable file
/// not found in $PATH" to 127, "permission denied" to 126.
/// </summary>
internal static class ExecutableLookup
{
    /// <summary>execvp's and runc spec's PATH when the process env has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const uint StatxType = 0x1, StatxMode = 0x2;
    private const int TypeMask = 0xF000, Directory = 0x4000, Regular = 0x8000, AnyExecute = 0x49;

    /// <summary>args[0] looked up from the current root (the init's, after pivot_root).</summary>
    public static string Find(string name, IReadOnlyList<string> env, string cwd) => Find(name, env, cwd, Check, path => path);

    /// <summary>
    /// The search itself, for any root: <paramref name="check"/> gives 0 for a path that may be
    /// executed or the errno why not; <paramref name="normalize"/> shapes each candidate path
    /// (InRootLookup cleans it lexically, as it resolves it inside a root fd).
    /// </summary>
    public static string Find(string name, IReadOnlyList<string> env, string cwd, Func<string, int> check, Func<string, string> normalize)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ProcessSetupException("exec", "exec: process.args[0] is empty: nothing to execute", Errno.ENOENT);
        }
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var path = normalize(name.StartsWith('/') ? name : Path.Join(cwd, name));
            var errno = check(path);
            return errno == 0 ? path : throw Failure(name, errno);
        }
        var sawDenied = false;
        foreach (var dir in SearchPath(env).Split(':'))
        {
            var directory = dir.Length == 0 ? "." : dir;
            var candidate = normalize(Path.Join(directory.StartsWith('/') ? directory : Path.Join(cwd, directory), name));
            var errno = check(candidate);
            if (errno == 0)
            {
                return candidate;
            }
            sawDenied |= errno == Errno.EACCES;
        }
        throw sawDenied
            ? Failure(name, Errno.EACCES)
            : new ProcessSetupException("exec", $"exec: \"{name}\": executable file not found in $PATH", Errno.ENOENT);
    }

    /// <summary>The last PATH= of the env (as getenv sees it), or <see cref="DefaultPath"/>.</summary>
    public static string SearchPath(IReadOnlyList<string> env)
    {
        for (var i = env.Count - 1; i >= 0; i--)
        {
            if (env[i].StartsWith("PATH=", StringComparison.Ordinal))
            {
                return env[i]["PATH=".Length..];
            }
        }
        return DefaultPath;
    }

    /// <summary>The message of a failed lookup or execve of <paramref name="name"/>.</summary>
    public static ProcessSetupException Failure(string name, int errno) =>
        new("exec", $"exec: \"{name}\": {Errno.Describe(errno)}", errno);

    // 0 when path is a regular file with an execute bit (what Go's LookPath checks), else an errno.
    private static int Check(string path)
    {
        if (Libc.statx(Libc.AT_FDCWD, path, 0, StatxType | StatxMode, out var st) != 0)
        {
            return Libc.LastErrno;
        }
        var type = st.Mode & TypeMask;
        if (type == Directory)
        {
            return Errno.EISDIR;
        }
        return type == Regular && (st.Mode & AnyExecute) != 0 ? 0 : Errno.EACCES;
    }
}
