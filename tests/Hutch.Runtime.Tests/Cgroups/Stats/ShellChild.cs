using System.Diagnostics;

namespace Hutch.Runtime.Tests.Cgroups.Stats;

/// <summary>
/// A busybox shell a test starts, that waits for a line on stdin before it runs its script: the
/// test moves it into a cgroup first, so everything the script does is charged there.
/// </summary>
internal sealed class ShellChild : IDisposable
{
    private readonly Process _process;

    private ShellChild(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ShellChild Start(string script)
    {
        var start = new ProcessStartInfo("busybox")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sh", "-c", "read go; " + script })
        {
            start.ArgumentList.Add(argument);
        }
        return new ShellChild(Process.Start(start)!);
    }

    /// <summary>Lets the script run.</summary>
    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
    }

    /// <summary>The next line the script prints (e.g. a "ready" it echoes after its work).</summary>
    public string? ReadLine(TimeSpan timeout)
    {
        var line = _process.StandardOutput.ReadLineAsync();
        return line.Wait(timeout) ? line.Result : throw new TimeoutException($"the child printed nothing in {timeout}");
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
