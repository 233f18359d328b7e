using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Runtime.Processes;
using Hutch.Runtime.State;

namespace Hutch.ProcessHost;

/// <summary>
/// Usage: Hutch.ProcessHost CONFIG.json [--preserve-fds N] [--exec] [--leak-fd PATH] [--state-id ID] [--chroot DIR]
///
/// Plans config.json's process (with linux.seccomp and linux.personality), resolves it, then
/// execs it with ProcessLauncher, as the container init does after the exec fifo. Warnings go to
/// stderr as "warning: ...", notes as "debug: ...", a failure as "hutch: MESSAGE" with exit code
/// 127 (not found), 126 (permission denied) or 1, the way podman reads runtime errors.
/// --leak-fd opens PATH without close-on-exec right before Exec, as a careless runtime would.
/// --chroot DIR (run it in a private mount namespace: unshare -m) mounts proc on DIR/proc, leaks
/// an fd of the host's / (as runc leaked one in CVE-2024-21626), chroots into DIR, and replaces
/// "{LEAKFD}" in the config with that fd's number: a cwd of /proc/self/fd/{LEAKFD} is the attack.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Hutch.ProcessHost CONFIG.json [--preserve-fds N] [--exec] [--leak-fd PATH] [--state-id ID]");
            return 2;
        }
        var preserveFds = 0;
        var isExec = false;
        string? leak = null;
        var id = "processhost";
        string? chroot = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--preserve-fds": preserveFds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--exec": isExec = true; break;
                case "--leak-fd": leak = args[++i]; break;
                case "--state-id": id = args[++i]; break;
                case "--chroot": chroot = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        try
        {
            var options = new ProcessPlanOptions
            {
                PreserveFds = preserveFds,
                IsExec = isExec,
                ContainerState = new OciState
                {
                    OciVersion = "1.3.0",
                    Id = id,
                    Status = ContainerStatus.Created,
                    Pid = Environment.ProcessId,
                    Bundle = Path.GetDirectoryName(Path.GetFullPath(args[0]))!,
                },
            };
            var configPath = chroot is null ? args[0] : EnterChroot(args[0], chroot);
            var plan = ProcessLauncher.PlanForConfig(configPath, options);
            ProcessLauncher.Resolve(plan);
            foreach (var warning in plan.Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }
            foreach (var note in plan.Notes)
            {
                Console.Error.WriteLine("debug: " + note);
            }
            if (leak != null)
            {
                Leak(leak);
            }
            Console.Error.Flush();
            ProcessLauncher.Exec(plan);
            return 1; // Exec returns only by throwing
        }
        catch (ProcessSetupException e)
        {
            Console.Error.WriteLine("hutch: " + e.Message);
            Console.Error.WriteLine("step: " + e.Step);
            return e.Step == "exec" && e.Errno == Errno.ENOENT ? 127 : e.Step == "exec" && e.Errno == Errno.EACCES ? 126 : 1;
        }
    }

    // Returns the config, with {LEAKFD} replaced, as a file inside the chroot.
    private static string EnterChroot(string configPath, string root)
    {
        if (Libc.mount("proc", Path.Join(root, "proc"), "proc", 0, null) < 0)
        {
            throw new ProcessSetupException("chroot", $"mount proc on {root}/proc: {Errno.Describe(Libc.LastErrno)}");
        }
        var rc = Libc.OpenAt(null, "/", Libc.O_PATH | Libc.O_DIRECTORY, 0, out var hostRoot);
        if (rc < 0)
        {
            throw new ProcessSetupException("chroot", $"open /: {Errno.Describe(-rc)}");
        }
        var leaked = hostRoot.Release();
        _ = Libc.hutch_set_cloexec(leaked, 0);
        var text = File.ReadAllText(configPath).Replace("{LEAKFD}", leaked.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        File.WriteAllText(Path.Join(root, "config.json"), text);
        // The JIT loads assemblies on first use: use what runs after the chroot once before it.
        Console.Error.WriteLine($"leaked fd {leaked} (the host's /)");
        _ = ProcessLauncher.PlanForConfig(Path.Join(root, "config.json"));
        if (Libc.chroot(root) < 0 || Hutch.Linux.Paths.PathSyscalls.Chdir("/") < 0)
        {
            throw new ProcessSetupException("chroot", $"chroot {root}: {Errno.Describe(Libc.LastErrno)}");
        }
        return "/config.json";
    }

    private static void Leak(string path)
    {
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY, 0, out var fd);
        if (rc < 0)
        {
            throw new ProcessSetupException("leak", $"open {path}: {Errno.Describe(-rc)}");
        }
        var fdNumber = fd.Release();
        rc = Libc.hutch_set_cloexec(fdNumber, 0);
        if (rc < 0)
        {
            throw new ProcessSetupException("leak", $"clear FD_CLOEXEC on fd {fdNumber}: {Errno.Describe(-rc)}");
        }
        Console.Error.WriteLine($"leaked fd {fdNumber} ({path})");
    }
}
