using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;
using Hutch.Spec;
using Process = System.Diagnostics.Process;

namespace Hutch.Tests.Integration;

/// <summary>
/// `hutch exec` through bin/hutch against running busybox containers: the process joins every
/// namespace of the init, takes the flags' user, groups, capabilities, env, cwd and
/// no_new_privs, the config's seccomp, returns its own status (128+signal), and hutch's own
/// failures are `hutch: ...` with status 255 (runc) with nothing left running.
/// </summary>
public sealed class ExecTests(ContainerHost host, UserNamespaceTests.MappedRootfs mappedRootfs)
    : IClassFixture<ContainerHost>, IClassFixture<UserNamespaceTests.MappedRootfs>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly string[] NamespaceFiles = ["user", "pid", "mnt", "uts", "ipc", "net", "cgroup"];

    /// <summary>A running container (`run --detach`) whose init sleeps; returns its id and init pid.</summary>
    private (string Id, int Pid) Running(Action<ContainerConfig>? edit = null)
    {
        var id = host.NewId("exec");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "1000"];
            edit?.Invoke(c);
        });
        var run = host.Hutch("run", "--detach", "--bundle", bundle, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (id, InitPid(id));
    }

    private int InitPid(string id)
    {
        var state = host.Hutch("state", id);
        Assert.True(state.ExitCode == 0, state.ToString());
        return (int)JsonNode.Parse(state.Stdout)!["pid"]!;
    }

    private static string Ns(int pid, string name) => new FileInfo($"/proc/{pid}/ns/{name}").LinkTarget!;

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Field(string output, string name) =>
        output.Split('\n').Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();


    [ContainerFact]
    public void The_process_joins_every_namespace_of_the_init_and_sees_the_containers_root()
    {
        var (id, pid) = Running();

        var outcome = host.Hutch("exec", id, "sh", "-c", "for n in " + string.Join(' ', NamespaceFiles) + "; do echo $n $(readlink /proc/self/ns/$n); done; echo pid=$$; ls /bin/busybox");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        foreach (var name in NamespaceFiles)
        {
            Assert.Contains($"{name} {Ns(pid, name)}\n", outcome.Stdout, StringComparison.Ordinal);
        }
        Assert.DoesNotContain($"pid {Ns(Environment.ProcessId, "pid")}", outcome.Stdout, StringComparison.Ordinal);
        // A small pid: the process lives in the container's pid namespace.
        var inner = int.Parse(Regex.Match(outcome.Stdout, @"pid=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(inner < 100, outcome.Stdout);
        Assert.Contains("/bin/busybox", outcome.Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void The_exit_status_is_the_processs_and_128_plus_the_signal_that_killed_it()
    {
        var (id, _) = Running();

        var three = host.Hutch("exec", id, "sh", "-c", "exit 3");
        var killed = host.Hutch("exec", id, "sh", "-c", "kill -KILL $$");
        var ok = host.Hutch("exec", id, "true");

        Assert.True(three.ExitCode == 3, three.ToString());
        Assert.True(killed.ExitCode == 137, killed.ToString());
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("", three.Stderr);
    }

    [ContainerFact]
    public void A_foreground_exec_forwards_SIGTERM_to_the_process_and_returns_its_status()
    {
        var (id, initPid) = Running();
        var start = new ProcessStartInfo(HutchBinary.PathName) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--root", host.Root, "exec", id, "sleep", "300" })
        {
            start.ArgumentList.Add(arg);
        }
        using var exec = Process.Start(start)!;
        var clock = Stopwatch.StartNew();
        while (ContainerHost.PidsInNamespaceOf(initPid).Count < 2 && clock.Elapsed < Deadline)
        {
            Thread.Sleep(20);
        }
        Assert.Equal(2, ContainerHost.PidsInNamespaceOf(initPid).Count);

        Assert.Equal(0, Libc.kill(exec.Id, Libc.SIGTERM));
        var exited = exec.WaitForExit(Deadline);

        Assert.True(exited, "hutch exec did not exit after SIGTERM");
        Assert.True(exec.ExitCode == 128 + Libc.SIGTERM, $"exit {exec.ExitCode}: {exec.StandardError.ReadToEnd()}");
        Assert.Equal([initPid], ContainerHost.PidsInNamespaceOf(initPid));
    }

    [ContainerFact]
    public void Env_cwd_user_groups_caps_and_no_new_privs_flags_are_seen_from_inside()
    {
        var (id, _) = Running(c => c.Process!.NoNewPrivileges = false);

        var plain = host.Hutch("exec", id, "sh", "-c", "grep NoNewPrivs /proc/self/status");
        var withCap = host.Hutch("exec", "--cap", "CAP_SYS_PTRACE", id, "cat", "/proc/self/status");
        var outcome = host.Hutch("exec", "--env", "FOO=bar", "-e", "TWO=2", "--cwd", "/tmp", "--user", "1000:1001",
            "--additional-gids", "10", "-g", "20", "--cap", "CAP_SYS_PTRACE", "--no-new-privs",
            id, "sh", "-c", "echo foo=$FOO two=$TWO home=$HOME; pwd; cat /proc/self/status");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal("0", Field(plain.Stdout, "NoNewPrivs"));
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("foo=bar two=2 home=/\n/tmp\n", outcome.Stdout, StringComparison.Ordinal);
        Assert.Equal("1000\t1000\t1000\t1000", Field(outcome.Stdout, "Uid"));
        Assert.Equal("1001\t1001\t1001\t1001", Field(outcome.Stdout, "Gid"));
        Assert.Equal("10 20", Field(outcome.Stdout, "Groups"));
        Assert.Equal("1", Field(outcome.Stdout, "NoNewPrivs"));
        const ulong ptrace = 1UL << 19, sysAdmin = 1UL << 21;
        // A non-root user keeps no capability across execve without ambient ones (the default
        // spec has no inheritable set), but --cap widened its bounding set.
        Assert.Equal("0000000000000000", Field(outcome.Stdout, "CapEff"));
        Assert.True((Hex(Field(outcome.Stdout, "CapBnd")) & ptrace) != 0, outcome.Stdout);
        Assert.True(withCap.ExitCode == 0, withCap.ToString());
        Assert.True((Hex(Field(withCap.Stdout, "CapEff")) & ptrace) != 0, withCap.Stdout);
        Assert.True((Hex(Field(withCap.Stdout, "CapBnd")) & ptrace) != 0, withCap.Stdout);
        Assert.True((Hex(Field(withCap.Stdout, "CapBnd")) & sysAdmin) == 0, withCap.Stdout);
    }

    [ContainerFact]
    public void A_process_file_gives_the_whole_process()
    {
        var (id, _) = Running();
        var file = Path.Combine(Path.GetTempPath(), "hutch-exec-" + Guid.NewGuid().ToString("N")[..12] + ".json");
        File.WriteAllText(file, """
            { "args": ["sh", "-c", "echo via=$VIA; pwd; id -u; id -g; umask"], "env": ["VIA=file", "PATH=/bin"],
              "cwd": "/etc", "user": { "uid": 65534, "gid": 65534, "umask": 63 } }
            """);
        try
        {
            var outcome = host.Hutch("exec", "--process", file, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            Assert.Equal("via=file\n/etc\n65534\n65534\n0077\n", outcome.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ContainerFact]
    public void The_configs_seccomp_filter_applies_to_the_exec_process()
    {
        var (id, _) = Running(c => c.Linux!.Seccomp = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new LinuxSyscall { Names = ["mkdir", "mkdirat"], Action = "SCMP_ACT_ERRNO" }],
        });

        var outcome = host.Hutch("exec", id, "sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/denied; echo rc=$?");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal("2", Field(outcome.Stdout, "Seccomp"));
        Assert.Contains("rc=1", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", outcome.Stderr, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void No_fd_of_the_runtime_leaks_and_preserved_fds_arrive()
    {
        var (id, _) = Running();
        var tag = Guid.NewGuid().ToString("N");
        var file = Path.Combine(Path.GetTempPath(), "hutch-exec-fd-" + tag);
        File.WriteAllText(file, "preserved-" + tag);
        try
        {
            var plain = host.Hutch("exec", id, "ls", "/proc/self/fd");
            // The shell opens the file as fd 3 and fd 4 for hutch; --preserve-fds 1 passes only 3.
            var preserved = Shell($"exec 3<'{file}' 4</dev/null; exec '{HutchBinary.PathName}' --root '{host.Root}' exec --preserve-fds 1 {id} sh -c 'ls /proc/self/fd; cat <&3'");

            Assert.True(plain.ExitCode == 0, plain.ToString());
            // ls's own directory fd is 3; nothing else.
            Assert.Equal("0\n1\n2\n3\n", plain.Stdout);
            Assert.True(preserved.ExitCode == 0, preserved.ToString());
            Assert.StartsWith("0\n1\n2\n3\n", preserved.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("\n5\n", preserved.Stdout, StringComparison.Ordinal);
            Assert.EndsWith("preserved-" + tag, preserved.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ContainerFact]
    public void Detach_writes_the_pid_file_and_returns_while_the_process_runs_in_the_container()
    {
        var (id, initPid) = Running();
        var pidFile = Path.Combine(Path.GetTempPath(), "hutch-exec-pid-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var outcome = host.Hutch("exec", "--detach", "--pid-file", pidFile, id, "sleep", "300");

            // Returned (ContainerHost gives up after 60 s) while `sleep 300` still runs, below.
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var pid = int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
            Assert.Equal(Ns(initPid, "pid"), Ns(pid, "pid"));
            Assert.Contains("sleep", File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal);
            Assert.Contains(pid, ContainerHost.PidsInNamespaceOf(initPid));
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [ContainerFact]
    public void A_pidfd_socket_receives_a_pidfd_of_the_exec_process()
    {
        var (id, _) = Running();
        var tag = Guid.NewGuid().ToString("N")[..12];
        var socketPath = Path.Combine(Path.GetTempPath(), "hutch-exec-pidfd-" + tag + ".sock");
        var pidFile = Path.Combine(Path.GetTempPath(), "hutch-exec-pid-" + tag);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        try
        {
            var outcome = host.Hutch("exec", "--detach", "--pid-file", pidFile, "--pidfd-socket", socketPath, id, "sleep", "300");

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            using var connection = listener.Accept();
            using var socket = new SafeFd((int)connection.Handle, ownsHandle: false);
            using var pidfd = ConsoleSocket.ReceiveFd(socket, socketPath, out var name, 5000);
            Assert.Equal("pidfd", name);
            var fdinfo = File.ReadAllText($"/proc/self/fdinfo/{pidfd.Fd}");
            Assert.Matches($@"(?m)^Pid:\s+{File.ReadAllText(pidFile)}$", fdinfo);
        }
        finally
        {
            File.Delete(socketPath);
            File.Delete(pidFile);
        }
    }

    [ContainerFact]
    public void A_missing_command_is_a_hutch_error_with_status_255_and_nothing_is_left_running()
    {
        var (id, initPid) = Running();

        var outcome = host.Hutch("exec", id, "no-such-command", "arg");
        var missingPath = host.Hutch("exec", id, "/bin/no-such-file");

        Assert.Equal(255, outcome.ExitCode);
        Assert.StartsWith("hutch: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("exec: \"no-such-command\": executable file not found in $PATH", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(255, missingPath.ExitCode);
        Assert.Contains("exec: \"/bin/no-such-file\": no such file or directory", missingPath.Stderr, StringComparison.Ordinal);
        Assert.Equal([initPid], ContainerHost.PidsInNamespaceOf(initPid));
    }

    [ContainerFact]
    public void An_env_flag_replaces_the_configs_variable_of_that_name_as_runc_does()
    {
        var (id, _) = Running(c => c.Process!.Env = [.. c.Process.Env ?? [], "FOO=config", "KEEP=1"]);

        // Both copies reached the process before: getenv (the first) still said "config".
        var outcome = host.Hutch("exec", "--env", "FOO=flag", "--env", "BAR=1", "--env", "BAR=2", id, "env");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("FOO=flag", Assert.Single(lines, l => l.StartsWith("FOO=", StringComparison.Ordinal)));
        Assert.Equal("BAR=2", Assert.Single(lines, l => l.StartsWith("BAR=", StringComparison.Ordinal)));
        Assert.Single(lines, l => l == "KEEP=1");
        Assert.Single(lines, l => l.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [ContainerFact]
    public void A_fifo_as_the_containers_etc_passwd_is_not_opened_by_hutch()
    {
        // hutch reads /etc/passwd for HOME as the host's root; the container decides what it is.
        var (id, _) = Running(c => c.Mounts!.Add(new Mount
        {
            Destination = "/etc", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", "mode=755"],
        }));
        var fifo = host.Hutch("exec", id, "mkfifo", "/etc/passwd");
        Assert.True(fifo.ExitCode == 0, fifo.ToString());

        // Before: open(O_RDONLY) of the FIFO blocked hutch until a writer came (never), and
        // ContainerHost's 60 s limit turned the hang into a TimeoutException.
        var outcome = host.Hutch("exec", id, "sh", "-c", "echo home=$HOME");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal("home=/\n", outcome.Stdout);
    }

    [ContainerFact]
    public void Tty_refuses_a_containers_dev_pts_ptmx_that_is_not_a_devpts_ptmx_without_opening_it()
    {
        // A container without a devpts mount makes /dev/pts/ptmx a FIFO and blocks writing to it:
        // the write goes through only if someone opens the FIFO for reading.
        var (id, initPid) = Running(c =>
        {
            c.Mounts!.RemoveAll(m => m.Destination == "/dev/pts");
            c.Process!.Args = ["sh", "-c", "mkdir -p /dev/pts && mkfifo /dev/pts/ptmx && { echo x > /dev/pts/ptmx; touch /dev/opened; }; sleep 1000"];
        });
        // The shell blocks in open(2) of its FIFO until a reader comes: the kernel shows it waiting
        // in wait_for_partner, and it can never wait there again once a reader came.
        var clock = Stopwatch.StartNew();
        while (Wchan(initPid) != "wait_for_partner" && clock.Elapsed < Deadline)
        {
            Thread.Sleep(20);
        }
        Assert.Equal("wait_for_partner", Wchan(initPid));

        var outcome = host.Hutch("exec", "--tty", id, "true");

        Assert.Equal(255, outcome.ExitCode);
        Assert.Contains("/dev/pts/ptmx", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("not the ptmx character device", outcome.Stderr, StringComparison.Ordinal);
        // Before: hutch opened it O_RDWR as the host's root, released the writer, then refused it.
        Assert.Equal("wait_for_partner", Wchan(initPid));
        Assert.False(File.Exists($"/proc/{initPid}/root/dev/opened"), "hutch opened the container's FIFO");
    }

    /// <summary>Where the kernel has <paramref name="pid"/> sleeping (/proc/PID/wchan), "" when it is gone.</summary>
    private static string Wchan(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/wchan");
        }
        catch (IOException)
        {
            return "";
        }
    }

    [ContainerFact]
    public void A_pid_file_that_cannot_be_written_fails_the_exec_and_kills_the_process_as_runc_does()
    {
        var (id, initPid) = Running();
        var pidFile = Path.Combine(Path.GetTempPath(), "hutch-no-such-dir-" + Guid.NewGuid().ToString("N")[..12], "pid");

        var outcome = host.Hutch("exec", "--detach", "--pid-file", pidFile, id, "sleep", "300");

        Assert.Equal(255, outcome.ExitCode);
        Assert.Contains("pid file", outcome.Stderr, StringComparison.Ordinal);
        // Before: the exec reported a failure and left `sleep 300` running in the container.
        Assert.Equal([initPid], ContainerHost.PidsInNamespaceOf(initPid));
    }

    [ContainerFact]
    public void An_exec_that_races_the_containers_exit_says_container_not_running()
    {
        // The --process file is a FIFO: hutch has checked the container is running and holds its
        // init when it blocks reading it; the container stops meanwhile, then the process comes.
        var (id, initPid) = Running();
        var fifo = Path.Combine(Path.GetTempPath(), "hutch-exec-race-" + Guid.NewGuid().ToString("N")[..12]);
        ContainerHost.HostCommand("mkfifo", fifo);
        try
        {
            var exec = Task.Run(() => host.Hutch("exec", "--process", fifo, id));
            // Opening the FIFO for writing returns once hutch has opened it for reading.
            using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
                Assert.Equal(0, host.Hutch("kill", id, "KILL").ExitCode);
                var deadline = Stopwatch.StartNew();
                while (Directory.Exists($"/proc/{initPid}") && deadline.Elapsed < Deadline)
                {
                    Thread.Sleep(20);
                }
                Assert.False(Directory.Exists($"/proc/{initPid}"), $"the init (pid {initPid}) is still there");
                writer.Write(Encoding.UTF8.GetBytes("""{"args": ["true"], "cwd": "/"}"""));
            }

            var outcome = exec.Result;

            Assert.Equal(255, outcome.ExitCode);
            Assert.Contains("container not running", outcome.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("/proc/", outcome.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [ContainerFact]
    public void Exec_into_a_stopped_container_is_a_hutch_error_with_status_255()
    {
        var id = host.NewId("exec");
        var bundle = host.Bundle(c => c.Process!.Args = ["true"]);
        Assert.Equal(0, host.Hutch("run", "--detach", "--bundle", bundle, id).ExitCode);
        var deadline = Stopwatch.StartNew();
        while ((string?)JsonNode.Parse(host.Hutch("state", id).Stdout)!["status"] != "stopped" && deadline.Elapsed < Deadline)
        {
            Thread.Sleep(20);
        }

        var outcome = host.Hutch("exec", id, "true");
        var unknown = host.Hutch("exec", "no-such-container-" + Guid.NewGuid().ToString("N")[..8], "true");

        Assert.Equal(255, outcome.ExitCode);
        Assert.StartsWith("hutch: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains($"cannot exec in a stopped container {id}", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(255, unknown.ExitCode);
        Assert.Contains("does not exist", unknown.Stderr, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Exec_into_a_container_with_a_user_namespace_runs_as_its_root_inside_it()
    {
        var (id, initPid) = Running(c =>
        {
            c.Root!.Path = mappedRootfs.Path;
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
            c.Linux.UidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
            c.Linux.GidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
        });

        var outcome = host.Hutch("exec", id, "sh", "-c", "id -u; readlink /proc/self/ns/user; cat /proc/self/uid_map; grep CapEff /proc/self/status");
        var asUser = host.Hutch("exec", "--user", "1000", id, "id", "-u");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal(Ns(initPid, "user"), lines[1]);
        Assert.NotEqual(Ns(Environment.ProcessId, "user"), lines[1]);
        Assert.Equal("0 100000 65536", Regex.Replace(lines[2].Trim(), @"\s+", " "));
        Assert.NotEqual("CapEff:\t0000000000000000", lines[3]);
        Assert.True(asUser.ExitCode == 0, asUser.ToString());
        Assert.Equal("1000\n", asUser.Stdout);
    }

    [ContainerFact]
    public void Tty_with_a_console_socket_hands_over_a_pty_on_the_containers_devpts()
    {
        var (id, _) = Running();
        var socketPath = Path.Combine(Path.GetTempPath(), "hutch-exec-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        try
        {
            var outcome = host.Hutch("exec", "--tty", "--detach", "--console-socket", socketPath, id, "sh");

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            using var connection = listener.Accept();
            using var socket = new SafeFd((int)connection.Handle, ownsHandle: false);
            using var master = ConsoleSocket.ReceiveFd(socket, socketPath, out _, 5000);
            Pty.VerifyMaster(master, "the received master");
            Write(master, "tty; echo sid=$(cut -d' ' -f6 /proc/self/stat) pid=$$; echo done-$((6*7))\n");
            var output = ReadUntil(master, "done-42");
            Assert.Matches(@"(?m)^/dev/pts/\d+\r?$", output);
            // The shell leads its session (setsid) with the pty as its controlling terminal.
            var pid = Regex.Match(output, @"pid=(\d+)").Groups[1].Value;
            Assert.Contains($"sid=", output, StringComparison.Ordinal);
            Assert.Matches($@"sid=\d+ pid={pid}", output);
            Write(master, "exit\n");
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    [ContainerFact]
    public void Foreground_tty_bridges_the_pty_to_hutchs_terminal_and_returns_the_status()
    {
        var (id, _) = Running();
        var command = $"'{HutchBinary.PathName}' --root '{host.Root}' exec -t {id} sh";

        var script = ScriptTerminal.Run(command, "tty; echo in-exec; exit 4\n", Deadline);

        Assert.True(script.Exited && script.ExitCode == 4, script.ToString());
        Assert.Matches(@"(?m)^in-exec\r?$", script.Output);
        Assert.Matches(@"(?m)^/dev/pts/\d+\r?$", script.Output);
    }

    [ContainerFact]
    public void Tty_detached_without_a_console_socket_is_refused_like_runc()
    {
        var (id, initPid) = Running();

        var outcome = host.Hutch("exec", "--tty", "--detach", id, "sh");

        Assert.Equal(255, outcome.ExitCode);
        Assert.Contains("cannot allocate tty if hutch will detach without setting console socket", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal([initPid], ContainerHost.PidsInNamespaceOf(initPid));
    }

    private Outcome Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Deadline))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the shell did not exit: " + script);
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void Write(SafeFd fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(bytes.Length, Libc.Write(fd, bytes));
    }

    private static string ReadUntil(SafeFd master, string marker)
    {
        var output = new StringBuilder();
        var buffer = new byte[4096];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            if (Libc.PollReadable(master, 200) <= 0)
            {
                continue;
            }
            var n = Libc.Read(master, buffer);
            if (n <= 0)
            {
                break;
            }
            output.Append(Encoding.UTF8.GetString(buffer, 0, n));
            if (Regex.IsMatch(output.ToString(), "(?m)^" + Regex.Escape(marker) + "\r?$"))
            {
                return output.ToString();
            }
        }
        Assert.Fail($"\"{marker}\" did not appear; got: {output}");
        return "";
    }
}
