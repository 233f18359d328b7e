using System.Diagnostics;
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
/// process.terminal as runc does it: the pty master over --console-socket (containerd, conmon),
/// `run` in the foreground bridging the pty to hutch's own terminal, and the refusals.
/// </summary>
public sealed class TerminalTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // Runs `hutch create` as a child subreaper (what containerd's shim and conmon are), so the
    // container's init becomes its child when create exits and its exit status can be read.
    private const string SubreaperScript = """
        import ctypes, os, subprocess, sys
        if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
            sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
        pid_file, err_file, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
        with open(err_file, "w") as err:
            rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err).returncode
        print("create=%d" % rc, flush=True)
        if rc != 0:
            sys.exit(0)
        pid = int(open(pid_file).read())
        while True:
            p, status = os.waitpid(-1, 0)
            if p == pid:
                print("exit=%d" % os.waitstatus_to_exitcode(status), flush=True)
                break
        """;

    [ContainerFact]
    public void Create_sends_exactly_one_pty_master_over_the_console_socket_and_the_shell_runs_on_it()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Terminal = true;
            c.Process.Args = ["sh"];
            c.Process.ConsoleSize = new Box { Height = 30, Width = 100 };
        });
        var socketPath = Path.Combine(bundle, "console.sock");
        var pidFile = Path.Combine(bundle, "pid");
        using var listener = Listen(socketPath);
        using var reaper = StartSubreaper(pidFile, Path.Combine(bundle, "create.err"),
            "create", "--bundle", bundle, "--console-socket", socketPath, "--pid-file", pidFile, id);

        var created = ReadLine(reaper);
        Assert.True(created == "create=0", $"{created}: {File.ReadAllText(Path.Combine(bundle, "create.err"))}");
        using var connection = listener.Accept();
        using var socket = new SafeFd((int)connection.Handle, ownsHandle: false);
        using var master = ConsoleSocket.ReceiveFd(socket, socketPath, out var name, 5000);
        Assert.Equal("/dev/ptmx", name);
        Pty.VerifyMaster(master, "the received master");
        // Exactly one message: the init closed its end after it, and create never held one.
        Assert.Equal(0, connection.Receive(new byte[16]));

        var start = host.Hutch("start", id);
        Assert.True(start.ExitCode == 0, start.ToString());
        Write(master, "tty; stty size; [ /dev/console -ef /dev/pts/0 ] && echo console-is-pts0; echo hi-$((6*7))\n");
        var output = ReadUntil(master, "hi-42");
        Assert.Matches(LineOf("/dev/pts/0"), output);
        Assert.Matches(LineOf("30 100"), output);
        Assert.Matches(LineOf("console-is-pts0"), output);
        Write(master, "exit 5\n");

        Assert.Equal("exit=5", ReadLine(reaper));
        Assert.Equal("stopped", (string?)State(id)["status"]);
    }

    [ContainerFact]
    public void Run_detach_with_a_console_socket_hands_over_the_terminal()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Terminal = true;
            c.Process.Args = ["sh"];
        });
        var socketPath = Path.Combine(bundle, "console.sock");
        using var listener = Listen(socketPath);

        var run = host.Hutch("run", "--detach", "--bundle", bundle, "--console-socket", socketPath, id);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var connection = listener.Accept();
        using var socket = new SafeFd((int)connection.Handle, ownsHandle: false);
        using var master = ConsoleSocket.ReceiveFd(socket, socketPath, out _, 5000);
        Assert.Equal("running", (string?)State(id)["status"]);
        Write(master, "echo detached-$((40+2)); exit\n");
        Assert.Matches(LineOf("detached-42"), ReadUntil(master, "detached-42"));
    }

    [ContainerFact]
    public void Run_in_the_foreground_bridges_the_container_terminal_to_hutchs_own_and_returns_the_status()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Terminal = true;
            c.Process.Args = ["sh"];
        });
        var command = $"'{HutchBinary.PathName}' --root '{host.Root}' run --bundle '{bundle}' {id}";

        var script = ScriptTerminal.Run(command, "tty; echo in-ctr; exit 3\n", Deadline);

        Assert.True(script.Exited && script.ExitCode == 3, script.ToString());
        Assert.Matches(LineOf("in-ctr"), script.Output);
        Assert.Matches(LineOf("/dev/pts/0"), script.Output);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Run_in_the_foreground_reports_the_inits_error_not_a_missing_terminal()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Terminal = true;
            c.Hooks = new Hooks { CreateRuntime = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", "exit 4"] }] };
        });
        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("createRuntime hook 0 (/bin/sh) failed: exit status 4", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("pty master", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void Create_with_a_terminal_and_no_console_socket_fails_like_runc_and_leaves_nothing()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c => c.Process!.Terminal = true);

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("cannot allocate tty if hutch will detach without setting console socket", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("--console-socket", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void A_console_socket_that_does_not_exist_is_named_in_the_error_and_nothing_is_left()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle(c => c.Process!.Terminal = true);
        var missing = Path.Combine(bundle, "no-such.sock");

        var outcome = host.Hutch("create", "--bundle", bundle, "--console-socket", missing, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"connect to console socket {missing}: no such file or directory", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void A_console_socket_without_a_terminal_is_refused_like_runc()
    {
        var id = host.NewId("tty");
        var bundle = host.Bundle();
        var socketPath = Path.Combine(bundle, "console.sock");
        using var listener = Listen(socketPath);

        var outcome = host.Hutch("create", "--bundle", bundle, "--console-socket", socketPath, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("cannot use console socket", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(4);
        return socket;
    }

    private Process StartSubreaper(string pidFile, string errFile, params string[] hutchArgs)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", SubreaperScript, pidFile, errFile, HutchBinary.PathName, "--root", host.Root }.Concat(hutchArgs))
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    private static string ReadLine(Process process)
    {
        var line = process.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(Deadline), "the subreaper printed nothing in time");
        return line.Result ?? "(end of output)";
    }

    private static void Write(SafeFd fd, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        for (var offset = 0; offset < data.Length;)
        {
            var n = Libc.Write(fd, data.AsSpan(offset));
            Assert.True(n > 0, $"write to the pty master: errno {-n}");
            offset += n;
        }
    }

    private static string ReadUntil(SafeFd fd, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        // The echo of the typed line holds the expression, not its value: match the value on a line of its own.
        while (!LineOf(expected).IsMatch(text.ToString()))
        {
            var left = (int)(deadline - Environment.TickCount64);
            Assert.True(left > 0, $"waited {Deadline} for \"{expected}\"; got \"{text}\"");
            if (Libc.PollReadable(fd, left) <= 0)
            {
                continue;
            }
            var n = Libc.Read(fd, buffer);
            Assert.True(n > 0, $"read from the pty master: {(n == 0 ? "EOF" : "errno " + -n)} before \"{expected}\"; got \"{text}\"");
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static Regex LineOf(string text) => new("(^|\n)" + Regex.Escape(text) + "\r?\n", RegexOptions.None, TimeSpan.FromSeconds(1));

    private JsonNode State(string id)
    {
        var outcome = host.Hutch("state", id);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return JsonNode.Parse(outcome.Stdout)!;
    }
}
