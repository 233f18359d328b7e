namespace Hutch.Tests.Integration;

/// <summary>
/// A container process that says which signal it got: a host directory bind-mounted at
/// /signals, where the shell writes "ready" once its traps are installed and, on HUP, INT, QUIT,
/// USR1, USR2 or TERM, the signal's name before it exits. Tests wait for "ready" instead of
/// sleeping, and assert the signal that arrived, not only that the process ended.
/// </summary>
internal sealed class SignalRecorder : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("hutch-it-signals-").FullName;

    /// <summary>Edits a bundle's config: the recording shell as the process, the directory mounted.</summary>
    public void Configure(Hutch.Spec.ContainerConfig config)
    {
        config.Mounts!.Add(new Hutch.Spec.Mount { Destination = "/signals", Type = "bind", Source = _dir, Options = ["rbind", "rw"] });
        config.Process!.Args =
        [
            "sh", "-c",
            "for s in HUP INT QUIT USR1 USR2 TERM; do trap \"echo $s > /signals/got; exit 0\" $s; done; "
            + "echo ready > /signals/ready; while :; do sleep 0.1; done",
        ];
    }

    /// <summary>Waits until the shell's traps are installed.</summary>
    public void WaitUntilReady() => WaitFor("ready");

    /// <summary>The name of the signal the shell received (waits for it).</summary>
    public string WaitForSignal() => WaitFor("got");

    private string WaitFor(string name)
    {
        var path = Path.Combine(_dir, name);
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            // The shell's echo is one write of a whole line: a line with its newline is complete.
            var text = File.Exists(path) ? File.ReadAllText(path) : "";
            if (text.EndsWith('\n'))
            {
                return text.Trim();
            }
            Assert.True(DateTime.UtcNow < deadline, $"the container wrote no /signals/{name} within {Deadline.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
