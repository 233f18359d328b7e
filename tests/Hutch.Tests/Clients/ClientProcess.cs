using System.Diagnostics;
using System.Text;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// Runs a client program (podman, ctr, script) with stdin /dev/null and stdout, stderr in
/// files: conmon and the containers keep inherited pipes open, so pipes might never reach EOF.
/// A program still running at the deadline is killed with its children and reported.
/// </summary>
internal static class ClientProcess
{
    internal static Outcome Run(string workDirectory, TimeSpan deadline, string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var tag = Guid.NewGuid().ToString("N");
        var stdout = Path.Combine(workDirectory, tag + ".out");
        var stderr = Path.Combine(workDirectory, tag + ".err");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >\"$CLIENT_OUT\" 2>\"$CLIENT_ERR\"");
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CLIENT_OUT"] = stdout;
        start.Environment["CLIENT_ERR"] = stderr;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        var finished = process.WaitForExit(deadline);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        var outcome = new Outcome(finished ? process.ExitCode : -1, ReadAndDelete(stdout), ReadAndDelete(stderr));
        return finished
            ? outcome
            : throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {deadline.TotalSeconds} s (killed); {outcome}");
    }

    /// <summary>One shell word: single-quoted, for the command line `script -c` hands to sh.</summary>
    internal static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    internal static string ShellLine(IEnumerable<string> words)
    {
        var line = new StringBuilder();
        foreach (var word in words)
        {
            line.Append(line.Length == 0 ? "" : " ").Append(ShellQuote(word));
        }
        return line.ToString();
    }

    private static string ReadAndDelete(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }
        var text = File.ReadAllText(path);
        File.Delete(path);
        return text;
    }
}
