using System.Diagnostics;

namespace Hutch.Tests.Integration;

/// <summary>What reaches the container from hutch's caller: preserved fds, signals to `run`, and a config without a process.</summary>
public sealed class ProcessHandoverTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Preserve_fds_hands_the_callers_fd_3_to_the_process()
    {
        var secret = Path.Combine(Path.GetTempPath(), "hutch-preserved-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(secret, "preserved-42\n");
        try
        {
            var id = host.NewId();
            var bundle = host.Bundle(c => c.Process!.Args = ["sh", "-c", "cat <&3; ls /proc/self/fd"]);

            var (exit, stdout) = Shell($"exec 3<\"{secret}\"; exec \"$0\" --root \"$1\" run --preserve-fds 1 --bundle \"$2\" \"$3\"",
                HutchBinary.PathName, host.Root, bundle, id);

            Assert.True(exit == 0, stdout);
            Assert.StartsWith("preserved-42\n", stdout, StringComparison.Ordinal);
            // fd 3 is the preserved one; 4 is the listing's own; nothing else leaks in.
            Assert.Equal(["0", "1", "2", "3"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(f => f != "4"));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [ContainerFact]
    public void Run_in_the_foreground_forwards_SIGTERM_and_exits_with_the_containers_status()
    {
        var id = host.NewId();
        // The container's init is PID 1 of its pid namespace: the kernel delivers it only signals it
        // has a handler for, so the shell traps TERM (and says so with its exit status).
        var bundle = host.Bundle(c => c.Process!.Args = ["sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"]);
        var start = new ProcessStartInfo(HutchBinary.PathName) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "--root", host.Root, "run", "--bundle", bundle, id })
        {
            start.ArgumentList.Add(arg);
        }
        using var run = Process.Start(start)!;
        try
        {
            Assert.True(WaitUntil(() => host.Hutch("state", id).Stdout.Contains("\"running\"", StringComparison.Ordinal)), "the container runs");
            Assert.Equal(0, Kill(run.Id, 15));

            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(20)), "hutch run exits once the container does");
            Assert.Equal(42, run.ExitCode);
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill();
            }
        }
    }

    [ContainerFact]
    public void A_config_without_process_creates_and_start_then_errors()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process = null);

        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);
        var start = host.Hutch("start", id);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("no process", start.Stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout) Shell(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script + " </dev/null");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout);
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
