using System.Diagnostics;
using Hutch.Testing;
using DiagnosticsProcess = System.Diagnostics.Process;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>
/// Runs tests/Hutch.ProcessHost (ProcessLauncher.Plan + Resolve + Exec in a process of its own)
/// on a config.json written to a temporary directory; the exec'd program's output is the evidence.
/// </summary>
internal sealed class ProcessHost : IDisposable
{
    private static readonly Lazy<string> HostDll = new(FindOrBuildHost);

    public ProcessHost()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("hutch-proc-").FullName;
    }

    /// <summary>A scratch directory for this test (config.json, sockets, files); removed on Dispose.</summary>
    public string Directory { get; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Writes <paramref name="configJson"/> as config.json and runs the host on it.</summary>
    public Result Run(string configJson, params string[] options) => RunWith(null, configJson, options);

    /// <summary>The same in a private mount namespace (unshare -m), for --chroot.</summary>
    public Result RunInMountNamespace(string configJson, params string[] options) => RunWith("unshare", configJson, options);

    private Result RunWith(string? wrapper, string configJson, string[] options)
    {
        var config = Path.Join(Directory, "config.json");
        File.WriteAllText(config, configJson);
        var start = new ProcessStartInfo(wrapper ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (wrapper != null)
        {
            start.ArgumentList.Add("-m");
            start.ArgumentList.Add("--propagation");
            start.ArgumentList.Add("private");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(HostDll.Value);
        start.ArgumentList.Add(config);
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }
        using var process = DiagnosticsProcess.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Hutch.ProcessHost did not exit within 60 s on {config}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>"Key:\tvalue" lines (as /proc/self/status prints them) to a map.</summary>
    public static Dictionary<string, string> Fields(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                fields.TryAdd(line[..colon], line[(colon + 1)..].Trim());
            }
        }
        return fields;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The host is built with the solution (hutch.sln); a test run of this project alone builds it once.
    private static string FindOrBuildHost()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var project = Path.Join(Host.RepoRoot, "tests", "Hutch.ProcessHost");
        var dll = Path.Join(project, "bin", configuration, "net10.0", "Hutch.ProcessHost.dll");
        if (!File.Exists(dll) || !File.Exists(Path.Join(Path.GetDirectoryName(dll), "libhutchnative.so")))
        {
            var build = new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "--nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = DiagnosticsProcess.Start(build)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException($"building {project} failed (run `make -C native` first?):\n{output}");
            }
        }
        return dll;
    }
}
