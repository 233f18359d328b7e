using System.Diagnostics;
using Hutch.Testing;

namespace Hutch.Tests;

/// <summary>Runs the published binary bin/hutch (built by `make`) as a client would.</summary>
internal static class HutchBinary
{
    internal static string PathName { get; } = Path.Combine(Host.RepoRoot, "bin", "hutch");

    internal static bool Exists => File.Exists(PathName);

    internal sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    internal static Outcome Run(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(PathName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + PathName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"hutch {string.Join(' ', args)} did not exit within 30 s");
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that runs bin/hutch: skipped, with the reason, when it has not been built.</summary>
public sealed class BinaryFactAttribute : FactAttribute
{
    public BinaryFactAttribute()
    {
        if (!HutchBinary.Exists)
        {
            Skip = "bin/hutch is missing: run make first (make test builds it)";
        }
    }
}

/// <summary>A temporary directory, removed with everything in it on Dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    internal TempDirectory()
    {
        PathName = Directory.CreateTempSubdirectory("hutch-cli-").FullName;
    }

    internal string PathName { get; }

    internal string File(string name) => System.IO.Path.Combine(PathName, name);

    public void Dispose() => Directory.Delete(PathName, recursive: true);
}
