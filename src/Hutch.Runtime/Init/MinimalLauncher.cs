using System.Globalization;
using Hutch.Linux;
using Hutch.Spec;

namespace Hutch.Runtime.Init;

/// <summary>
/// The stand-in for ProcessLauncher until it lands: resolves process.args[0] like runc (PATH of
/// process.env), then umask, additional groups, gid, uid, cwd, close-on-exec of every fd but
/// stdio and the preserved ones, execve. No capabilities, rlimits, no_new_privs or seccomp yet.
/// </summary>
internal static class MinimalLauncher
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The executable to run, as a path in the container (call after pivot_root). Errors read
    /// as runc's: `exec: "/bin/nosuch": no such file or directory`.
    /// </summary>
    public static string Resolve(Hutch.Spec.Process process)
    {
        var name = process.Args is { Count: > 0 } args ? args[0] : throw new InitException("process.args: is empty; name the program to run");
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(name) ? name : Path.Combine(process.Cwd, name);
            return CheckExecutable(name, path) ?? throw new InitException($"exec: \"{name}\": no such file or directory");
        }
        var searchPath = process.Env?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var dir in searchPath.Split(':'))
        {
            var directory = dir.Length == 0 ? "." : dir;
            var candidate = Path.Combine(Path.IsPathRooted(directory) ? directory : Path.Combine(process.Cwd, directory), name);
            if (CheckExecutable(name, candidate, quiet: true) is { } found)
            {
                return found;
            }
        }
        throw new InitException($"exec: \"{name}\": executable file not found in $PATH");
    }

    /// <summary>Sets the process's identity and cwd and execs it; returns only by throwing.</summary>
    public static void Exec(Hutch.Spec.Process process, string executable, int preservedFds, int? listenFds)
    {
        var env = new List<string>(process.Env ?? []);
        if (listenFds is { } n)
        {
            env.Add("LISTEN_FDS=" + n.ToString(CultureInfo.InvariantCulture));
            env.Add("LISTEN_PID=1");
        }
        if (process.User.Umask is { } umask)
        {
            InitSyscalls.SetUmask(umask);
        }
        var groups = process.User.AdditionalGids ?? [];
        var rc = InitSyscalls.SetGroups(groups);
        if (rc < 0 && !(rc == -Errno.EPERM && groups.Count == 0))
        {
            throw new InitException($"set the additional groups [{string.Join(',', groups)}] (setgroups): {Errno.Describe(-rc)}");
        }
        Check(InitSyscalls.SetResGid(process.User.Gid), $"set gid {process.User.Gid} (setresgid)");
        Check(InitSyscalls.SetResUid(process.User.Uid), $"set uid {process.User.Uid} (setresuid)");
        rc = InitSyscalls.ChangeDirectory(process.Cwd);
        if (rc < 0)
        {
            throw new InitException($"chdir to cwd (\"{process.Cwd}\") set in config.json failed: {Errno.Describe(-rc)}");
        }
        Check(InitSyscalls.CloseOnExecFrom(3 + preservedFds), "mark inherited fds close-on-exec (close_range)");
        rc = InitSyscalls.Exec(executable, process.Args!, env);
        throw new InitException($"exec: \"{executable}\": {Errno.Describe(-rc)}");
    }

    private static string? CheckExecutable(string name, string path, bool quiet = false)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((info.UnixFileMode & anyExecute) == 0)
            {
                return quiet ? null : throw new InitException($"exec: \"{name}\": permission denied");
            }
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return quiet ? null : throw new InitException($"exec: \"{name}\": {e.Message}", e);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw new InitException($"{what}: {Errno.Describe(-rc)}");
        }
    }
}
