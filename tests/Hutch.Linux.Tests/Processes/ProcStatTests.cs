using System.Diagnostics;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;

namespace Hutch.Linux.Tests.Processes;

public sealed class ProcStatTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hutch-procstat-" + Guid.NewGuid().ToString("N"));
    private readonly List<Process> _children = [];

    public ProcStatTests() => Directory.CreateDirectory(_dir);

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
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Parses_fields_after_the_last_parenthesis()
    {
        // comm "a) b (c" holds spaces and both parentheses; field 22 (starttime) is 987654.
        const string line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        var stat = ProcStat.Parse(line);

        Assert.NotNull(stat);
        Assert.Equal(4242, stat.Value.Pid);
        Assert.Equal("a) b (c", stat.Value.Comm);
        Assert.Equal('S', stat.Value.State);
        Assert.Equal(1, stat.Value.ParentPid);
        Assert.Equal(987654UL, stat.Value.StartTime);
        Assert.False(stat.Value.HasExited);
    }

    [Fact]
    public void Parses_a_line_that_ends_at_field_22()
    {
        var stat = ProcStat.Parse("7 (x) Z 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55");
        Assert.Equal(55UL, stat!.Value.StartTime);
        Assert.True(stat.Value.HasExited);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("42 (comm S 1 2 3")]
    [InlineData("x (comm) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55")]
    [InlineData("42 (comm) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0")] // only 21 fields
    [InlineData("42 (comm) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5")]
    [InlineData("42 (comm) SS 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55")]
    public void Malformed_lines_are_null(string line) => Assert.Null(ProcStat.Parse(line));

    [Fact]
    public void Reads_our_own_process()
    {
        var stat = ProcStat.Read(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Value.Pid);
        Assert.True(stat.Value.StartTime > 0);
        Assert.True(stat.Value.ParentPid > 0);
        Assert.Equal(stat.Value.StartTime, ProcStat.StartTime(Environment.ProcessId));
    }

    [Fact]
    public void Reads_a_child_whose_name_has_spaces_and_parentheses()
    {
        var binary = Path.Combine(_dir, "a) b (c");
        File.Copy("/bin/sleep", binary);
        Assert.Equal(0, Libc.chmod(binary, 0b111_101_101));
        var child = Start(binary, "30");

        var stat = ProcStat.Read(child.Id);

        Assert.NotNull(stat);
        Assert.Equal(child.Id, stat.Value.Pid);
        Assert.Equal("a) b (c", stat.Value.Comm);
        Assert.Equal(Environment.ProcessId, stat.Value.ParentPid);
        Assert.True(stat.Value.StartTime >= ProcStat.StartTime(Environment.ProcessId)!.Value);
        Assert.Equal(stat.Value.StartTime, ProcStat.StartTime(child.Id));
    }

    [Fact]
    public void A_dead_pid_has_no_start_time()
    {
        var child = Start("/bin/true");
        child.WaitForExit(); // reaped

        Assert.Null(ProcStat.StartTime(child.Id));
        Assert.Null(ProcStat.Read(child.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Impossible_pids_have_no_start_time(int pid) => Assert.Null(ProcStat.StartTime(pid));

    internal Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var child = Process.Start(info)!;
        _children.Add(child);
        return child;
    }
}
