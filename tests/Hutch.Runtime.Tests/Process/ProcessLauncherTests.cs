using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>
/// ProcessLauncher for real: Hutch.ProcessHost plans, resolves and execs a busybox command from a
/// config.json; the command reports what it got (/proc/self/status, limits, umask, fds ...).
/// </summary>
public sealed class ProcessLauncherTests : IDisposable
{
    private const string Busybox = "/usr/bin/busybox";
    private readonly ProcessHost _host = new();

    public void Dispose() => _host.Dispose();

    private static string Config(string process, string? linux = null) =>
        "{\"ociVersion\":\"1.3.0\",\"process\":" + process + (linux is null ? "" : ",\"linux\":" + linux) + "}";

    private static string Shell(string script, string extra = "", string user = "{\"uid\":0,\"gid\":0}", string cwd = "/") =>
        $$"""{"user":{{user}},"args":["{{Busybox}}","sh","-c",{{Json(script)}}],"env":["PATH=/usr/bin:/bin"],"cwd":"{{cwd}}"{{extra}}}""";

    private static string Json(string value) => "\"" + JsonEncodedText.Encode(value) + "\"";

    private const string Status = "grep -E '^(Cap|NoNewPrivs|Seccomp|Uid|Gid|Groups|Cpus_allowed_list)' /proc/self/status";

    [RootFact]
    public void User_groups_capability_sets_and_no_new_privs_reach_the_program()
    {
        var caps = """
            ,"noNewPrivileges":true,"capabilities":{"bounding":["CAP_NET_BIND_SERVICE","CAP_KILL","CAP_CHOWN"],
            "effective":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_NET_BIND_SERVICE","CAP_KILL"],
            "inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE","CAP_NO_SUCH_THING"]}
            """;
        var result = _host.Run(Config(Shell(Status, caps, user: """{"uid":1000,"gid":1001,"additionalGids":[5,6]}""")));

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = ProcessHost.Fields(result.Stdout);
        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("1001\t1001\t1001\t1001", status["Gid"]);
        Assert.Equal("5 6", status["Groups"]);
        // A non-root program keeps its ambient set across execve: CAP_NET_BIND_SERVICE (10) = 0x400.
        Assert.Equal("0000000000000400", status["CapAmb"]);
        Assert.Equal("0000000000000400", status["CapEff"]);
        Assert.Equal("0000000000000400", status["CapPrm"]);
        Assert.Equal("0000000000000400", status["CapInh"]);
        Assert.Equal("0000000000000421", status["CapBnd"]); // CHOWN 0, KILL 5, NET_BIND_SERVICE 10
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal("0", status["Seccomp"]);
        Assert.Contains("warning: process.capabilities.ambient[1]: \"CAP_NO_SUCH_THING\" is not a capability", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void A_root_program_is_limited_by_the_bounding_set()
    {
        var caps = ""","capabilities":{"bounding":["CAP_KILL","CAP_CHOWN"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}""";
        var result = _host.Run(Config(Shell(Status, caps)));

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = ProcessHost.Fields(result.Stdout);
        Assert.Equal("0000000000000021", status["CapBnd"]);
        // uid 0 execs with permitted = inheritable | bounding (capabilities(7)): never more than bounding.
        Assert.Equal("0000000000000021", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapAmb"]);
        Assert.Equal("0", status["NoNewPrivs"]);
    }

    [RootFact]
    public void Rlimits_umask_oom_score_adj_and_cwd_are_applied()
    {
        var cwd = _host.Directory;
        var extra = ""","rlimits":[{"type":"RLIMIT_NOFILE","soft":321,"hard":654},{"type":"RLIMIT_CORE","soft":0,"hard":0}],"oomScoreAdj":123""";
        var script = "echo nofile=$(ulimit -n) hard=$(ulimit -Hn); grep 'Max core' /proc/self/limits; echo umask=$(umask); " +
                     "echo oom=$(cat /proc/self/oom_score_adj); echo cwd=$(pwd)";
        var result = _host.Run(Config(Shell(script, extra, user: """{"uid":0,"gid":0,"umask":23}""", cwd: cwd)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("nofile=321 hard=654", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Max core file size\s+0\s+0\s+bytes", result.Stdout);
        Assert.Contains("umask=0027", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("oom=123", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("cwd=" + cwd, result.Stdout, StringComparison.Ordinal);
    }

    [RootFact]
    public void Umask_defaults_to_0022_like_runc()
    {
        var result = _host.Run(Config(Shell("umask")));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0022", result.Stdout.Trim());
    }

    [RootFact]
    public void Scheduler_io_priority_and_personality_are_applied()
    {
        var extra = ""","scheduler":{"policy":"SCHED_BATCH","nice":5},"ioPriority":{"class":"IOPRIO_CLASS_IDLE","priority":0}""";
        var script = "echo machine=$(uname -m); echo nice=$(nice); echo io=$(ionice -p $$); grep -E '^policy' /proc/self/sched";
        var result = _host.Run(Config(Shell(script, extra), linux: """{"personality":{"domain":"LINUX32"}}"""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("machine=i686", result.Stdout, StringComparison.Ordinal); // PER_LINUX32 on x86-64
        Assert.Contains("nice=5", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("io=idle", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"policy\s+:\s+3", result.Stdout); // SCHED_BATCH
    }

    [RootFact]
    public void ExecCpuAffinity_final_applies_to_an_exec_process_only()
    {
        var extra = ""","execCPUAffinity":{"initial":"0-1","final":"0"}""";
        var exec = _host.Run(Config(Shell(Status, extra)), "--exec");
        var init = _host.Run(Config(Shell(Status, extra)));

        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("0", ProcessHost.Fields(exec.Stdout)["Cpus_allowed_list"]);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains("execCPUAffinity does not apply to the container's init process", init.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void Seccomp_errno_rule_makes_mkdir_fail_with_operation_not_permitted()
    {
        var target = Path.Join(_host.Directory, "made");
        var seccomp = """
            {"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
             "syscalls":[{"names":["mkdir","mkdirat","no_such_syscall"],"action":"SCMP_ACT_ERRNO"}]}}
            """;
        var result = _host.Run(Config(Shell($"mkdir {target}; echo mkdir=$?; {Status}", ",\"noNewPrivileges\":true"), seccomp));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mkdir=1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("2", ProcessHost.Fields(result.Stdout)["Seccomp"]);
        Assert.False(Directory.Exists(target));
        Assert.Contains("syscall \"no_such_syscall\" is unknown to libseccomp", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void Seccomp_without_no_new_privs_loads_for_a_user_without_capabilities()
    {
        // The kernel wants CAP_SYS_ADMIN or no_new_privs to load a filter: hutch keeps CAP_SYS_ADMIN
        // until the filter is loaded, then drops it in C right before execve.
        var seccomp = """{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}}""";
        var result = _host.Run(Config(Shell($"mkdir {_host.Directory}/x; {Status}", user: """{"uid":1000,"gid":1000}"""), seccomp));

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = ProcessHost.Fields(result.Stdout);
        Assert.Equal("2", status["Seccomp"]);
        Assert.Equal("0", status["NoNewPrivs"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Contains("Operation not permitted", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void Seccomp_default_errno_ret_is_what_unlisted_syscalls_return()
    {
        string[] allowed =
        [
            "execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "mprotect", "mmap",
            "munmap", "getuid", "geteuid", "getpid", "write", "writev", "exit_group", "exit", "rt_sigaction", "rt_sigprocmask",
            "ioctl", "fstat", "newfstatat", "read", "close", "openat", "uname", "getrandom", "madvise", "statx", "umask",
            "lseek", "fcntl", "readlink", "readlinkat", "access", "faccessat", "faccessat2",
        ];
        var target = Path.Join(_host.Directory, "made");
        var seccomp = $$$"""{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":18,"syscalls":[{"names":[{{{string.Join(",", allowed.Select(Json))}}}],"action":"SCMP_ACT_ALLOW"}]}}""";
        var process = $$"""{"user":{"uid":0,"gid":0},"args":["{{Busybox}}","mkdir","{{target}}"],"cwd":"/","noNewPrivileges":true}""";
        var result = _host.Run(Config(process, seccomp));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Invalid cross-device link", result.Stderr, StringComparison.Ordinal); // EXDEV = 18
        Assert.False(Directory.Exists(target));
    }

    [RootFact]
    public void Seccomp_argument_rules_match_only_their_values()
    {
        // kill(pid, 0) -> EPERM; kill(pid, sig) with (sig & 0xff) == 1 (SIGHUP) -> EXDEV; SIGCONT passes.
        var seccomp = """
            {"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
              {"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]},
              {"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":18,"args":[{"index":1,"value":255,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]}]}}
            """;
        var script = "kill -0 $$; echo zero=$?; kill -CONT $$; echo cont=$?; kill -HUP $$; echo hup=$?";
        var result = _host.Run(Config(Shell(script, ",\"noNewPrivileges\":true"), seccomp));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("zero=1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("cont=0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("hup=1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Invalid cross-device link", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void Seccomp_listener_receives_the_notify_fd_and_the_container_process_state()
    {
        var socketPath = Path.Join(_host.Directory, "agent.sock");
        using var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        agent.Bind(new UnixDomainSocketEndPoint(socketPath));
        agent.Listen(1);
        var seccomp = $$$"""
            {"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"{{{socketPath}}}","listenerMetadata":"probe=1",
             "flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
             "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}}
            """;
        var run = Task.Run(() => _host.Run(Config(Shell($"mkdir {_host.Directory}/x; echo mkdir=$?", ",\"noNewPrivileges\":true"), seccomp), "--state-id", "listener-test"));

        var acceptTask = agent.AcceptAsync();
        Assert.True(acceptTask.Wait(TimeSpan.FromSeconds(60)), "the launcher never connected to listenerPath");
        using var connection = acceptTask.Result;
        var (message, fd) = ReceiveWithFd(connection);
        string link;
        try
        {
            link = new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";
        }
        finally
        {
            // Closing the agent's end fails the notified mkdir with ENOSYS and lets the program finish.
            _ = close(fd);
        }
        var result = run.Result;

        Assert.Equal("anon_inode:seccomp notify", link);
        using var json = JsonDocument.Parse(message);
        var root = json.RootElement;
        Assert.Equal("1.3.0", root.GetProperty("ociVersion").GetString());
        Assert.Equal(["seccompFd"], root.GetProperty("fds").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("probe=1", root.GetProperty("metadata").GetString());
        var state = root.GetProperty("state");
        Assert.Equal("listener-test", state.GetProperty("id").GetString());
        Assert.Equal("created", state.GetProperty("status").GetString());
        Assert.Equal(root.GetProperty("pid").GetInt32(), state.GetProperty("pid").GetInt32());
        Assert.Equal(_host.Directory, state.GetProperty("bundle").GetString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mkdir=1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Function not implemented", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void No_fd_but_stdio_reaches_the_program()
    {
        // busybox ls lists its own directory fd (3) too; the leaked /etc/hostname must be gone.
        var result = _host.Run(Config(Shell("exec busybox ls -l /proc/self/fd")), "--leak-fd", "/etc/hostname");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"leaked fd \d+ \(/etc/hostname\)", result.Stderr);
        var fds = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('l'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[8])
            .ToArray();
        Assert.Equal(["0", "1", "2", "3"], fds);
        Assert.DoesNotContain("/etc/hostname", result.Stdout, StringComparison.Ordinal);
    }

    [RootTheory]
    [InlineData("/bin/nosuch", 127, "exec: \"/bin/nosuch\": no such file or directory")]
    [InlineData("nosuch", 127, "exec: \"nosuch\": executable file not found in $PATH")]
    [InlineData("{dir}/plain", 126, "exec: \"{dir}/plain\": permission denied")]
    [InlineData("/etc", 1, "exec: \"/etc\": is a directory")]
    public void A_missing_or_unrunnable_program_fails_before_exec_with_runcs_message(string program, int exitCode, string message)
    {
        var marker = Path.Join(_host.Directory, "marker");
        File.WriteAllText(Path.Join(_host.Directory, "plain"), "not a program");
        program = program.Replace("{dir}", _host.Directory, StringComparison.Ordinal);
        message = message.Replace("{dir}", _host.Directory, StringComparison.Ordinal);
        var process = $$"""{"user":{"uid":0,"gid":0},"args":["{{program}}","{{marker}}"],"env":["PATH=/usr/bin:/bin"],"cwd":"/"}""";
        var result = _host.Run(Config(process));

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains("hutch: " + message + "\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("step: exec", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [RootFact]
    public void An_exec_failure_after_every_step_reports_the_errno()
    {
        // A file with an execute bit that is no program passes the lookup; execve itself says ENOEXEC.
        var fake = Path.Join(_host.Directory, "fake");
        File.WriteAllText(fake, "\u007fELF but not really");
        Assert.Equal(0, Hutch.Linux.Interop.Libc.chmod(fake, 0x140)); // 0500
        var result = _host.Run(Config($$"""{"user":{"uid":0,"gid":0},"args":["{{fake}}"],"cwd":"/","noNewPrivileges":true}"""));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"hutch: exec: \"{fake}\": exec format error", result.Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public void A_cwd_outside_the_root_through_a_leaked_fd_is_refused()
    {
        // CVE-2024-21626: cwd /proc/self/fd/N, N an fd of the host's / leaked into a chroot.
        var root = Path.Join(_host.Directory, "root");
        Directory.CreateDirectory(Path.Join(root, "proc"));
        Directory.CreateDirectory(Path.Join(root, "bin"));
        File.Copy(Busybox, Path.Join(root, "bin", "busybox"));
        var process = """{"user":{"uid":0,"gid":0},"args":["/bin/busybox","ls","../../.."],"cwd":"/proc/self/fd/{LEAKFD}"}""";
        var attack = _host.RunInMountNamespace(Config(process), "--chroot", root);
        var inside = _host.RunInMountNamespace(Config(process.Replace("/proc/self/fd/{LEAKFD}", "/bin", StringComparison.Ordinal)), "--chroot", root);

        Assert.True(attack.ExitCode == 1, attack.ToString());
        Assert.Contains("CVE-2024-21626", attack.Stderr, StringComparison.Ordinal);
        Assert.Contains("step: cwd", attack.Stderr, StringComparison.Ordinal);
        Assert.Equal("", attack.Stdout);
        Assert.True(inside.ExitCode == 0, inside.ToString());
        Assert.Contains("config.json", inside.Stdout, StringComparison.Ordinal); // ls of the chroot's /
    }

    [RootFact]
    public void An_unknown_capability_is_a_warning_and_the_rest_still_applies()
    {
        var caps = ""","capabilities":{"bounding":["CAP_KILL","CAP_LIKE_NOTHING_ELSE"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}""";
        var result = _host.Run(Config(Shell(Status, caps)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0000000000000020", ProcessHost.Fields(result.Stdout)["CapBnd"]);
        Assert.Contains("process.capabilities.bounding[1]: \"CAP_LIKE_NOTHING_ELSE\" is not a capability hutch knows; it is skipped", result.Stderr,
            StringComparison.Ordinal);
    }

    // recvmsg with room for one SCM_RIGHTS fd: the state JSON (read to EOF) and the fd.
    private static unsafe (string Message, int Fd) ReceiveWithFd(Socket socket)
    {
        var data = new byte[65536];
        var control = new byte[64];
        int fd = -1;
        long n;
        fixed (byte* d = data)
        fixed (byte* c = control)
        {
            var iov = new IoVec { Base = d, Length = (nuint)data.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = c, ControlLength = (nuint)control.Length };
            n = recvmsg((int)socket.Handle, &header, 0);
            Assert.True(n >= 0, $"recvmsg failed: errno {Marshal.GetLastPInvokeError()}");
            // struct cmsghdr: size_t len, int level, int type, then the fd.
            if (header.ControlLength >= 20 && *(int*)(c + 8) == 1 && *(int*)(c + 12) == 1)
            {
                fd = *(int*)(c + 16);
            }
        }
        Assert.True(fd >= 0, "no SCM_RIGHTS fd came with the state");
        var message = new StringBuilder(Encoding.UTF8.GetString(data, 0, (int)n));
        int more;
        while ((more = socket.Receive(data)) > 0)
        {
            message.Append(Encoding.UTF8.GetString(data, 0, more));
        }
        return (message.ToString(), fd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe long recvmsg(int fd, MsgHdr* message, int flags);

    [DllImport("libc")]
    private static extern int close(int fd);
}
