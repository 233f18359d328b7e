using System.Diagnostics;
using System.Globalization;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// `podman container checkpoint` / `restore` (in place, and `--export` / `--import` into a new
/// container) with hutch as the runtime, side by side with runc 1.1.5; podman and the runtime
/// find the tests' criu on PATH. The wall times go to .tmp/test-results/checkpoint-side-by-side.md.
/// </summary>
[Collection(CriuCollection.Name)]
public sealed class PodmanCheckpointTests(PodmanHost podman) : IClassFixture<PodmanHost>
{
    private const string Counter = "i=0; while true; do i=$((i+1)); echo $i; sleep 0.05; done";

    public static TheoryData<string> Runtimes => new() { "hutch", "runc" };

    [PodmanCriuTheory]
    [MemberData(nameof(Runtimes))]
    public void Checkpoint_and_restore_in_place_keep_the_counter_going(string runtime)
    {
        var name = PodmanHost.NewName();
        var run = Podman(runtime, ["run", "-d", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image, "sh", "-c", Counter]);
        Assert.True(run.ExitCode == 0, run.ToString());
        WaitForCountAbove(runtime, name, 3);

        var clock = Stopwatch.StartNew();
        var checkpoint = Podman(runtime, "container", "checkpoint", name);
        var checkpointTime = clock.Elapsed;
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        Assert.Equal("exited", Inspect(runtime, name, "{{.State.Status}}"));
        var atCheckpoint = LastCount(runtime, name);
        var linesAtCheckpoint = LineCount(runtime, name);

        clock.Restart();
        var restore = Podman(runtime, "container", "restore", name);
        var restoreTime = clock.Elapsed;
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("running", Inspect(runtime, name, "{{.State.Status}}"));
        // The first line after the restore follows the last one before it; started afresh it would be 1.
        var next = FirstNewCount(runtime, name, linesAtCheckpoint);
        Assert.True(next > atCheckpoint, $"the counter went on from {atCheckpoint} (printed {next}), it did not start again");
        Record($"podman checkpoint/restore ({runtime})", checkpointTime, restoreTime);
        Assert.Equal(0, Podman(runtime, "rm", "--force", "--time", "0", name).ExitCode);
    }

    [PodmanCriuTheory]
    [MemberData(nameof(Runtimes))]
    public void Export_then_import_restores_into_a_new_container(string runtime)
    {
        var name = PodmanHost.NewName();
        var archive = podman.FileIn(name + ".tar.gz");
        var run = Podman(runtime, ["run", "-d", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image, "sh", "-c", Counter]);
        Assert.True(run.ExitCode == 0, run.ToString());
        WaitForCountAbove(runtime, name, 3);

        var clock = Stopwatch.StartNew();
        var checkpoint = Podman(runtime, "container", "checkpoint", "--export", archive, name);
        var checkpointTime = clock.Elapsed;
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        Assert.True(File.Exists(archive));
        var atCheckpoint = LastCount(runtime, name);
        var linesAtCheckpoint = LineCount(runtime, name);

        var copy = name + "-import";
        clock.Restart();
        var restore = Podman(runtime, "container", "restore", "--import", archive, "--name", copy);
        var restoreTime = clock.Elapsed;
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("running", Inspect(runtime, copy, "{{.State.Status}}"));
        // The archive carries the log: the copy's log starts with the original's lines.
        var next = FirstNewCount(runtime, copy, linesAtCheckpoint);
        Assert.True(next > atCheckpoint, $"the imported counter went on from {atCheckpoint} (printed {next}), it did not start again");
        Record($"podman --export/--import ({runtime})", checkpointTime, restoreTime);
        Podman(runtime, "rm", "--force", "--time", "0", copy);
        Podman(runtime, "rm", "--force", "--time", "0", name);
    }

    [PodmanCriuTheory]
    [MemberData(nameof(Runtimes))]
    public void A_terminal_container_comes_back_on_a_terminal(string runtime)
    {
        var name = PodmanHost.NewName();
        var run = Podman(runtime, ["run", "-dit", "--name", name, .. PodmanHost.RunOptions, PodmanHost.Image,
            "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var before = WaitForFileCountAbove(runtime, name, 3);

        var checkpoint = Podman(runtime, "container", "checkpoint", name);
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        var restore = Podman(runtime, "container", "restore", name);

        // The restored pty's master went to conmon through --console-socket; the process is on it again.
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("running", Inspect(runtime, name, "{{.State.Status}}"));
        Assert.Matches(@"/dev/pts/\d+", Podman(runtime, "exec", name, "readlink", "/proc/1/fd/0").Stdout);
        Assert.True(WaitForFileCountAbove(runtime, name, before) > before);
        Assert.Equal(0, Podman(runtime, "rm", "--force", "--time", "0", name).ExitCode);
    }

    private long WaitForFileCountAbove(string runtime, string name, long value)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var read = Podman(runtime, "exec", name, "cat", "/tmp/count");
            if (read.ExitCode == 0 && long.TryParse(read.Stdout.Trim(), CultureInfo.InvariantCulture, out var now) && now > value)
            {
                return now;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"{runtime}: {name}'s /tmp/count did not pass {value} within 30 s");
    }

    private Outcome Podman(string runtime, params string[] args) =>
        podman.PodmanWith(runtime == "hutch" ? HutchBinary.PathName : "runc", Path.GetDirectoryName(CriuTool.Path)!, args);

    private string Inspect(string runtime, string name, string format) =>
        Podman(runtime, "inspect", "--format", format, name).Stdout.Trim();

    /// <summary>The last number the counter printed (podman logs), 0 before any.</summary>
    private long LastCount(string runtime, string name)
    {
        var lines = Podman(runtime, "logs", name).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length > 0 && long.TryParse(lines[^1], CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private string[] Lines(string runtime, string name) =>
        Podman(runtime, "logs", name).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private int LineCount(string runtime, string name) => Lines(runtime, name).Length;

    /// <summary>The number on the first log line past <paramref name="seen"/> lines (waits for it, deadline 30 s).</summary>
    private long FirstNewCount(string runtime, string name, int seen)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var lines = Lines(runtime, name);
            if (lines.Length > seen)
            {
                return long.Parse(lines[seen], CultureInfo.InvariantCulture);
            }
            Thread.Sleep(20);
        }
        throw new TimeoutException($"{runtime}: {name} printed nothing new within 30 s");
    }

    private long WaitForCountAbove(string runtime, string name, long value)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var now = LastCount(runtime, name);
            if (now > value)
            {
                return now;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"{runtime}: {name}'s counter did not pass {value} within 30 s");
    }

    private static void Record(string what, TimeSpan checkpoint, TimeSpan restore) =>
        CheckpointTimings.Append(what, checkpoint.TotalMilliseconds, restore.TotalMilliseconds);
}

/// <summary>A podman checkpoint theory: podman's requirements, runc, and a working criu.</summary>
public sealed class PodmanCriuTheoryAttribute : TheoryAttribute
{
    public PodmanCriuTheoryAttribute()
    {
        Skip = ClientRequirements.Missing(("podman", "podman"), ("conmon", "podman"), ("tar", "tar"), ("runc", "runc")) ?? CriuTool.Missing();
    }
}
