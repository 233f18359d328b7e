using System.Diagnostics;

namespace Hutch.Tests;

/// <summary>hutch's stdout and stderr are plain write(2)s: nothing extra on a terminal, appends kept.</summary>
public sealed class StandardStreamsTests
{
    [BinaryFact]
    public void On_a_terminal_the_output_has_no_terminal_control_sequences()
    {
        // script(1) (bsdutils, essential in Debian) gives hutch a pseudoterminal as stdio.
        var start = new ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qfec", HutchBinary.PathName + " --version", "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.StartsWith("hutch version ", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [BinaryFact]
    public void Stderr_appended_to_a_file_keeps_what_was_there()
    {
        var log = Path.Combine(Path.GetTempPath(), "hutch-stderr-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(log, "earlier line\n");
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$0\" --root /nonexistent-hutch-root state nosuch 2>>\"$1\"");
            start.ArgumentList.Add(HutchBinary.PathName);
            start.ArgumentList.Add(log);
            using var process = Process.Start(start)!;
            process.WaitForExit();

            Assert.Equal(1, process.ExitCode);
            Assert.Equal("earlier line\nhutch: container nosuch does not exist\n", File.ReadAllText(log));
        }
        finally
        {
            File.Delete(log);
        }
    }
}
