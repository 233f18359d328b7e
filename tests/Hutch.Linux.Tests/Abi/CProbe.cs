using System.Diagnostics;
using System.Globalization;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Abi;

/// <summary>
/// Compiles a C program against the system headers and native/ (gcc -Wall -Werror), runs it,
/// and reads what it prints: one "NAME VALUE" line per value (the name may hold spaces; the
/// value follows the last one). The ABI tests compare those values with the C# ones.
/// </summary>
internal static class CProbe
{
    public static Dictionary<string, long> Run(string source, params string[] linkWith)
    {
        var dir = Directory.CreateTempSubdirectory("hutch-probe-");
        try
        {
            var file = Path.Combine(dir.FullName, "probe.c");
            var binary = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(file, source);
            Execute("gcc", ["-D_GNU_SOURCE", "-Wall", "-Werror", "-I", Path.Combine(Host.RepoRoot, "native"), "-o", binary, file, .. linkWith]);
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in Execute(binary).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var cut = line.LastIndexOf(' ');
                values[line[..cut]] = long.Parse(line[(cut + 1)..], CultureInfo.InvariantCulture);
            }
            return values;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>native/build/libhutchnative.a, for probes that call the shim itself.</summary>
    public static string NativeArchive => Path.Combine(Host.RepoRoot, "native", "build", "libhutchnative.a");

    private static string Execute(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"{file}: exit {process.ExitCode}: {stderr}");
    }
}
