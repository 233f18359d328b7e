namespace Hutch.Linux.Spawn;

/// <summary>
/// A spawn failed: the step, the object it was on (a namespace path, an executable, an fd)
/// and errno, e.g. "spawn /bin/sh: setns into /run/netns/x: operation not permitted".
/// </summary>
internal sealed class SpawnException : Exception
{
    public SpawnException(SpawnStep step, string executable, string target, int errno, string? hint = null)
        : base(Compose(step, executable, target, errno, hint))
    {
        Step = step;
        Executable = executable;
        Target = target;
        ErrorNumber = errno;
    }

    public SpawnException() { }

    public SpawnException(string message) : base(message) { }

    public SpawnException(string message, Exception innerException) : base(message, innerException) { }

    public SpawnStep Step { get; }

    /// <summary>The program the spawn was for.</summary>
    public string Executable { get; } = "";

    /// <summary>What the failing step was acting on (namespace file, executable, fd).</summary>
    public string Target { get; } = "";

    public int ErrorNumber { get; }

    private static string Compose(SpawnStep step, string executable, string target, int errno, string? hint)
    {
        var action = step switch
        {
            SpawnStep.Spawn => "clone",
            SpawnStep.Signals => "restore the signal mask in",
            SpawnStep.Setns => "setns into",
            SpawnStep.Clone => "clone the final child (after joining namespaces) for",
            SpawnStep.FdMap => "pass",
            SpawnStep.CloseFds => "close inherited fds in",
            SpawnStep.Sync => "wait for the go on",
            SpawnStep.Exec => "execve",
            SpawnStep.SetId => "become root of the user namespace:",
            SpawnStep.TimeNs => "set the time namespace offsets:",
            SpawnStep.ProcessSetup => "set up the process:",
            SpawnStep.Cgroup => "join the cgroup: write \"0\" to",
            SpawnStep.Wait => "wait for",
            SpawnStep.Signal => "signal",
            _ => step.ToString(),
        };
        return $"spawn {executable}: {action} {target}: {Errno.Describe(errno)}{(hint is null ? "" : $" ({hint})")}";
    }
}
