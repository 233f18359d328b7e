using System.Globalization;

namespace Hutch.Linux.Spawn;

/// <summary>How a process ended: its exit code, or the signal that killed it (Signal != 0).</summary>
internal readonly record struct ExitStatus(int ExitCode, int Signal, bool CoreDumped = false)
{
    public bool Exited => Signal == 0;

    /// <summary>The shell's convention: the exit code, or 128 + the signal (what `run` returns).</summary>
    public int ShellCode => Exited ? ExitCode : 128 + Signal;

    public override string ToString() => Exited
        ? "exit status " + ExitCode.ToString(CultureInfo.InvariantCulture)
        : "killed by signal " + Signal.ToString(CultureInfo.InvariantCulture) + (CoreDumped ? " (core dumped)" : "");
}
