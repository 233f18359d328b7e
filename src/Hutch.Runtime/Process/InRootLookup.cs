using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;

namespace Hutch.Runtime.Processes;

/// <summary>
/// What is looked up in the container through a root fd, every path resolved inside it (RootPath:
/// openat2 RESOLVE_IN_ROOT): args[0] in the process's PATH (`exec`, from the host through
/// /proc/INITPID/root), and the user's home in the container's /etc/passwd (`exec`, and the init).
/// Messages are runc's (podman maps "no such file or directory" and "executable file not found
/// in $PATH" to 127, "permission denied" to 126).
/// </summary>
internal static class InRootLookup
{
    private const int AnyExecute = 0x49; // 0111

    /// <summary>args[0] as an absolute path inside the container; throws <see cref="ProcessSetupException"/> when there is none.</summary>
    public static string FindExecutable(SafeFd root, string name, IReadOnlyList<string> env, string cwd) =>
        ExecutableLookup.Find(name, env, cwd, path => Check(root, path), RootPath.Clean);

    /// <summary>
    /// HOME as runc sets it when the process env has none: the home of <paramref name="uid"/> in
    /// the container's /etc/passwd, else "/". hutch reads it as a privileged process, so the file is
    /// opened only when it is a regular file: the container chooses what /etc/passwd is, and
    /// opening a FIFO would hang the exec, opening a device node the container made (a disk, a
    /// watchdog) would bypass its device cgroup.
    /// </summary>
    public static string Home(SafeFd root, uint uid)
    {
        using var fd = OpenRegularFile(root, "/etc/passwd");
        if (fd is null)
        {
            return "/";
        }
        var text = ReadAll(fd);
        var wanted = uid.ToString(CultureInfo.InvariantCulture);
        foreach (var line in text.Split('\n'))
        {
            // name:password:uid:gid:gecos:home:shell
            var fields = line.Split(':');
            if (fields.Length >= 6 && fields[2] == wanted && fields[5].Length > 0)
            {
                return fields[5];
            }
        }
        return "/";
    }

    /// <summary>
    /// <paramref name="path"/> in the container opened for reading when it is a regular file, else
    /// null: resolved to an O_PATH fd (no open of the file itself), checked, then reopened
    /// through /proc/self/fd, which reaches that very inode.
    /// </summary>
    private static SafeFd? OpenRegularFile(SafeFd root, string path)
    {
        var rc = RootPath.TryOpen(root, path, PathSyscalls.O_PATH, out var pinned);
        using (pinned)
        {
            if (rc < 0 || PathSyscalls.Fstat(pinned, out var st) < 0 || st.Type != PathSyscalls.S_IFREG)
            {
                return null;
            }
            rc = Libc.OpenAt(null, RootPath.ProcFdPath(pinned), Libc.O_RDONLY | Libc.O_NOCTTY | Libc.O_NONBLOCK, 0, out var fd);
            GC.KeepAlive(pinned);
            if (rc < 0)
            {
                fd.Dispose();
                return null;
            }
            return fd;
        }
    }

    // 0 when path is a regular file with an execute bit (what Go's LookPath checks), else an errno.
    private static int Check(SafeFd root, string path)
    {
        var rc = RootPath.TryOpen(root, path, PathSyscalls.O_PATH, out var fd);
        using (fd)
        {
            if (rc < 0)
            {
                return -rc;
            }
            rc = PathSyscalls.Fstat(fd, out var st);
            if (rc < 0)
            {
                return -rc;
            }
            if (st.Type == PathSyscalls.S_IFDIR)
            {
                return Errno.EISDIR;
            }
            return st.Type == PathSyscalls.S_IFREG && (st.Mode & AnyExecute) != 0 ? 0 : Errno.EACCES;
        }
    }

    private static string ReadAll(SafeFd fd)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        int n;
        while ((n = Libc.Read(fd, buffer)) > 0 && text.Length < 4 << 20)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }
}
