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
    /// <param name="holdStdin">
    /// stdin is a pipe held open (never written) until the program exits, instead of /dev/null.
    /// For script(1) running an interactive client (`podman run -it`, `ctr run -t`): at EOF on its
    /// input, script passes an end-of-file to the terminal, and the client may stop copying the
    /// container's output before it arrives (seen once in ten runs, with any runtime).
    /// </param>
    internal static Outcome Run(string workDirectory, TimeSpan deadline, string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, bool holdStdin = false)
    {
        var tag = Guid.NewGuid().ToString("N");
        var stdout = Path.Combine(workDirectory, tag + ".out");
        var stderr = Path.Combine(workDirectory, tag + ".err");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workDirectory, RedirectStandardInput = holdStdin };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(holdStdin
            ? "exec \"$0\" \"$@\" >\"$CLIENT_OUT\" 2>\"$CLIENT_ERR\""
            : "exec \"$0\" \"$@\" </dev/null >\"$CLIENT_OUT\" 2>\"$CLIENT_ERR\"");
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
        if (holdStdin)
        {
            process.StandardInput.Close();
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
