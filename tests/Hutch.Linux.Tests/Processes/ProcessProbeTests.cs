using System.Diagnostics;
using System.Globalization;
using Hutch.Linux.Processes;

namespace Hutch.Linux.Tests.Processes;

public sealed class ProcessProbeTests : IDisposable
{
    private readonly List<Process> _children = [];

    public void Dispose()
    {
        foreach (var child in _children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill();
                    child.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
            }
            child.Dispose();
        }
    }

    [Fact]
    public void A_live_process_with_its_start_time_is_alive()
    {
        var child = Start("/bin/sleep", "30");
        var start = ProcStat.StartTime(child.Id)!.Value;

        Assert.True(ProcessProbe.IsAlive(child.Id, start));
        Assert.True(ProcessProbe.IsSameProcess(child.Id, start));
    }

    [Fact]
    public void The_same_pid_with_another_start_time_is_not_ours()
    {
        var child = Start("/bin/sleep", "30");
        var start = ProcStat.StartTime(child.Id)!.Value;

        Assert.False(ProcessProbe.IsAlive(child.Id, start + 1));
        Assert.False(ProcessProbe.IsSameProcess(child.Id, start - 1));
    }

    [Fact]
    public void An_exited_process_is_not_alive()
    {
        var child = Start("/bin/sleep", "30");
        var start = ProcStat.StartTime(child.Id)!.Value;
        child.Kill();
        child.WaitForExit();

        Assert.False(ProcessProbe.IsAlive(child.Id, start));
        Assert.False(ProcessProbe.IsSameProcess(child.Id, start));
    }

    [Fact]
    public void A_zombie_is_the_same_process_but_not_alive()
    {
        // The child outlives the shell's exec by far: the shell (dash reaps finished jobs at some
        // points) never sees it exit, and the exec'd sleep never reaps it.
        var parent = Start("/bin/sh", "-c", "sleep 0.5 & echo $!; exec sleep 30");
        var zombie = int.Parse(parent.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcStat.Read(zombie) is not { State: 'Z' })
        {
            Assert.True(DateTime.UtcNow < deadline, $"pid {zombie} did not become a zombie");
            Thread.Sleep(20);
        }
        var start = ProcStat.StartTime(zombie)!.Value;

        Assert.False(ProcessProbe.IsAlive(zombie, start));
        Assert.True(ProcessProbe.IsSameProcess(zombie, start));
    }

    private Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var child = Process.Start(info)!;
        _children.Add(child);
        return child;
    }
}
