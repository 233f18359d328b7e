using System.Diagnostics;
using System.Globalization;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// containerd 1.6 (ctr, the runc shim) checkpointing and restoring through hutch, side by side
/// with runc 1.1.5, both finding the tests' criu on containerd's PATH: `ctr task checkpoint`
/// (images in a directory), then `ctr container checkpoint --task` into a checkpoint image and
/// `ctr container restore --live` of a new task from it; the counter goes on.
/// </summary>
[Collection(CriuCollection.Name)]
public sealed class ContainerdCheckpointTests(ContainerdHost containerd) : IClassFixture<ContainerdHost>
{
    private const string Counter = "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done";

    public static TheoryData<string> Runtimes => new() { "hutch", "runc" };

    [ContainerdCriuTheory]
    [MemberData(nameof(Runtimes))]
    public void Task_checkpoint_then_container_restore_live_keeps_the_counter_going(string runtime)
    {
        var binary = runtime == "hutch" ? HutchBinary.PathName : ClientRequirements.FindProgram("runc")!;
        var image = containerd.ImportBusybox();
        var id = containerd.NewId();
        var images = Path.Combine(Path.GetTempPath(), id + "-images");
        try
        {
            var run = containerd.RunImage(["-d", "--null-io"], binary, image, id, "sh", "-c", Counter);
            Assert.True(run.ExitCode == 0, run.ToString());
            WaitForCountAbove(id, 3);

            var clock = Stopwatch.StartNew();
            var taskCheckpoint = containerd.Ctr("task", "checkpoint", "--image-path", images, id);
            var taskCheckpointTime = clock.Elapsed;
            Assert.True(taskCheckpoint.ExitCode == 0, taskCheckpoint.ToString());
            Assert.True(File.Exists(Path.Combine(images, "inventory.img")), "criu wrote its images");
            Assert.Equal("RUNNING", TaskStatus(id));

            var reference = "localhost/checkpoint/" + id + ":1";
            var beforeCheckpoint = Count(TaskPid(id));
            var checkpoint = containerd.Ctr("container", "checkpoint", "--task", "--rw", id, reference);
            Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
            Assert.Equal(0, containerd.Ctr("task", "kill", "--signal", "SIGKILL", id).ExitCode);
            WaitForStopped(id);
            Assert.Equal(0, containerd.Ctr("task", "rm", id).ExitCode);
            Assert.Equal(0, containerd.Ctr("container", "rm", id).ExitCode);

            clock.Restart();
            var restore = containerd.Ctr("container", "restore", "--live", "--rw", id, reference);
            var restoreTime = clock.Elapsed;
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal("RUNNING", TaskStatus(id));
            // The restored counter writes what follows its value at checkpoint; started afresh it would write 1.
            var pid = TaskPid(id);
            var first = WaitForChange(pid, Count(pid));
            Assert.True(first > beforeCheckpoint, $"the counter went on from {beforeCheckpoint} or later (it wrote {first}), it did not start again");
            CheckpointTimings.Append($"ctr task checkpoint / container restore --live ({runtime})", taskCheckpointTime.TotalMilliseconds, restoreTime.TotalMilliseconds);
        }
        finally
        {
            try
            {
                Directory.Delete(images, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string TaskStatus(string id) => TaskRow(id)[2];

    private string TaskPid(string id) => TaskRow(id)[1];

    private string[] TaskRow(string id)
    {
        var list = containerd.Ctr("task", "ls");
        var row = list.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(r => r.Length >= 3 && r[0] == id);
        return row ?? throw new InvalidOperationException($"no task {id} in `ctr task ls`: {list}");
    }

    private static long Count(string pid)
    {
        try
        {
            return long.TryParse(File.ReadAllText($"/proc/{pid}/root/tmp/count").Trim(), CultureInfo.InvariantCulture, out var n) ? n : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private long WaitForCountAbove(string id, long value)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var now = Count(TaskPid(id));
            if (now > value)
            {
                return now;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"task {id}: the counter did not pass {value} within 30 s");
    }

    private static long WaitForChange(string pid, long from)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var now = Count(pid);
            if (now != from && now != 0)
            {
                return now;
            }
            Thread.Sleep(5);
        }
        throw new TimeoutException($"pid {pid}: the counter stayed at {from} for 30 s");
    }

    private void WaitForStopped(string id)
    {
        var deadline = Stopwatch.StartNew();
        while (TaskStatus(id) != "STOPPED")
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"task {id} did not stop within 30 s of SIGKILL");
            }
            Thread.Sleep(50);
        }
    }
}

/// <summary>A containerd checkpoint theory: containerd's requirements, runc, and a working criu.</summary>
public sealed class ContainerdCriuTheoryAttribute : TheoryAttribute
{
    public ContainerdCriuTheoryAttribute()
    {
        Skip = ClientRequirements.Missing(("containerd", "containerd"), ("ctr", "containerd"), ("containerd-shim-runc-v2", "containerd"), ("runc", "runc"), ("tar", "tar"))
            ?? CriuTool.Missing();
    }
}
