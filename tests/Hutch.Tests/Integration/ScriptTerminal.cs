using System.Diagnostics;

namespace Hutch.Tests.Integration;

/// <summary>
/// Runs a command line on a terminal: util-linux script(1) gives it a pty as stdin, stdout and
/// stderr (-e returns the command's status), feeds it <c>input</c>, and collects what it printed.
/// </summary>
internal static class ScriptTerminal
{
    public sealed record Result(bool Exited, int ExitCode, string Output, string Stderr)
    {
        public override string ToString() => $"exited {Exited}, exit {ExitCode}; output: {Output}; stderr: {Stderr}";
    }

    public static Result Run(string command, string input, TimeSpan deadline)
    {
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-qfec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        script.StandardInput.Write(input);
        script.StandardInput.Flush();
        var exited = script.WaitForExit(deadline);
        if (!exited)
        {
            script.Kill(entireProcessTree: true);
            script.WaitForExit();
        }
        return new Result(exited, exited ? script.ExitCode : -1, stdout.Result, stderr.Result);
    }
}
