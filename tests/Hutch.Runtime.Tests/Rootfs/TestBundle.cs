using System.Diagnostics;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Rootfs;

/// <summary>A bundle directory with a busybox rootfs (tests/tools/busybox-rootfs.sh), deleted on Dispose.</summary>
internal sealed class TestBundle : IDisposable
{
    public TestBundle()
    {
        Dir = Path.Combine(Path.GetTempPath(), Host.UniqueName("hutch-rf-"));
        Rootfs = Path.Combine(Dir, "rootfs");
        Directory.CreateDirectory(Dir);
        var script = Path.Combine(Host.RepoRoot, "tests", "tools", "busybox-rootfs.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, Rootfs]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("busybox-rootfs.sh failed: " + error);
        }
    }

    public string Dir { get; }

    public string Rootfs { get; }

    /// <summary>A host directory next to the rootfs (a bind source).</summary>
    public string HostDir(string name)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
