using System.Diagnostics;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// The criu the checkpoint tests use: $HUTCH_TEST_CRIU (tests/run-all.sh exports what
/// tests/tools/criu/install.sh made), else install.sh is run here (it builds its cache once,
/// outside the checkout). runc is given the same one (`runc --criu`).
/// </summary>
internal static class CriuTool
{
    private static readonly Lazy<(string? Path, string? Missing)> Found = new(Find);

    public static string Path => Found.Value.Path ?? throw new InvalidOperationException(Found.Value.Missing);

    /// <summary>Why checkpoint tests cannot run here, or null.</summary>
    public static string? Missing() => ContainerRequirements.Missing() ?? Found.Value.Missing;

    private static (string?, string?) Find()
    {
        if (Environment.GetEnvironmentVariable("HUTCH_TEST_CRIU") is { Length: > 0 } given)
        {
            return File.Exists(given) ? (given, null) : (null, $"HUTCH_TEST_CRIU={given} does not exist");
        }
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(System.IO.Path.Combine(Host.RepoRoot, "tests", "tools", "criu", "install.sh"));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && File.Exists(stdout)
            ? (stdout, null)
            : (null, $"no working criu: tests/tools/criu/install.sh failed ({process.ExitCode}): {stderr.Result.Trim()}");
    }
}

/// <summary>A test that checkpoints containers: root, bin/hutch, busybox and a working criu.</summary>
public sealed class CriuFactAttribute : FactAttribute
{
    public CriuFactAttribute()
    {
        Skip = CriuTool.Missing();
    }
}

/// <summary>A checkpoint theory (the requirements of <see cref="CriuFactAttribute"/>).</summary>
public sealed class CriuTheoryAttribute : TheoryAttribute
{
    public CriuTheoryAttribute()
    {
        Skip = CriuTool.Missing();
    }
}

/// <summary>The side-by-side wall times of checkpoint and restore (no test asserts on them), in .tmp/test-results.</summary>
internal static class CheckpointTimings
{
    private static readonly Lock FileLock = new();

    public static void Append(string what, double checkpointMs, double restoreMs)
    {
        var results = System.IO.Path.Combine(Host.RepoRoot, ".tmp", "test-results");
        Directory.CreateDirectory(results);
        var file = System.IO.Path.Combine(results, "checkpoint-side-by-side.md");
        lock (FileLock)
        {
            if (!File.Exists(file))
            {
                File.WriteAllText(file, "# checkpoint and restore side by side (wall time of one command, same criu)\n\n| what | checkpoint | restore |\n|---|---|---|\n");
            }
            File.AppendAllText(file, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| {what} | {checkpointMs:F0} ms | {restoreMs:F0} ms |\n"));
        }
    }
}

/// <summary>
/// The checkpoint tests run alone, after the parallel ones: a restore bind-mounts the rootfs at
/// &lt;state&gt;/criu-root in the host's mount namespace for its duration, which tests that count
/// the host's mounts would see.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CriuCollection
{
    public const string Name = "criu (alone)";
}
