using System.Diagnostics;
using System.Globalization;
using Hutch.Linux.Processes;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

public sealed class StatusProbeTests : IDisposable
{
    private readonly TempStateRoot _temp = new();
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
        _temp.Dispose();
    }

    [Fact]
    public void Created_while_exec_fifo_exists_then_running()
    {
        using var claimed = _temp.Store.Claim("c1");
        var state = StateOf("c1", StartSleep());

        claimed.CreateExecFifo();
        Assert.Equal(ContainerStatus.Created, StatusProbe.Probe(state, claimed.Path));

        File.Delete(claimed.ExecFifoPath); // what `start` does once the init goes on
        Assert.Equal(ContainerStatus.Running, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Stopped_once_the_process_exited_and_was_reaped()
    {
        using var claimed = _temp.Store.Claim("c1");
        var child = StartSleep();
        var state = StateOf("c1", child);
        claimed.CreateExecFifo();

        child.Kill();
        child.WaitForExit();
        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Stopped_when_the_process_is_an_unreaped_zombie()
    {
        using var claimed = _temp.Store.Claim("c1");
        // sh forks `sleep 0`, prints its pid, then becomes `sleep 30`, which never reaps it.
        var parent = Start("/bin/sh", "-c", "sleep 0 & echo $!; exec sleep 30");
        var zombie = int.Parse(parent.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcStat.Read(zombie) is not { State: 'Z' })
        {
            Assert.True(DateTime.UtcNow < deadline, $"pid {zombie} did not become a zombie");
            Thread.Sleep(20);
        }
        var state = TempStateRoot.NewState("c1", zombie, ProcStat.StartTime(zombie)!.Value);
        state.Status = ContainerStatus.Running;

        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Stopped_when_the_pid_now_names_another_process()
    {
        using var claimed = _temp.Store.Claim("c1");
        var state = StateOf("c1", StartSleep());
        state.PidStartTime += 1; // as if the pid had been reused by a later process

        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Stopped_without_a_pid()
    {
        using var claimed = _temp.Store.Claim("c1");
        var state = TempStateRoot.NewState("c1", pid: 0, startTime: 0);
        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Creating_while_the_saved_status_says_so_and_the_process_lives()
    {
        using var claimed = _temp.Store.Claim("c1");
        var state = StateOf("c1", StartSleep());
        state.Status = ContainerStatus.Creating;
        Assert.Equal(ContainerStatus.Creating, StatusProbe.Probe(state, claimed.Path));
    }

    [Fact]
    public void Paused_comes_from_the_hook()
    {
        using var claimed = _temp.Store.Claim("c1");
        var state = StateOf("c1", StartSleep());
        Assert.Equal(ContainerStatus.Paused, StatusProbe.Probe(state, claimed.Path, isPaused: s => s.Id == "c1"));
        Assert.Equal(ContainerStatus.Running, StatusProbe.Probe(state, claimed.Path, isPaused: _ => false));
    }

    private static ContainerState StateOf(string id, Process child)
    {
        var state = TempStateRoot.NewState(id, child.Id, ProcStat.StartTime(child.Id)!.Value);
        state.Status = ContainerStatus.Created;
        return state;
    }

    private Process StartSleep() => Start("/bin/sleep", "30");

    private Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var child = Process.Start(info)!;
        _children.Add(child);
        return child;
    }
}
