using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Hutch.Linux.Interop;
using Hutch.Testing;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;

namespace Hutch.Linux.Tests.Spawn;

internal static partial class SpawnTestHelpers
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>"net:[4026531840]": the namespace identity of a process.</summary>
    public static string NamespaceOf(int pid, NamespaceKind kind) => ReadLink(kind.ProcPath(pid));

    /// <summary>readlink(2); File.ResolveLinkTarget does not follow nsfs links.</summary>
    public static unsafe string ReadLink(string path)
    {
        var buffer = stackalloc byte[256];
        var n = readlink(path, buffer, 256);
        Assert.True(n > 0, $"readlink {path}: errno {Marshal.GetLastPInvokeError()}");
        return Encoding.UTF8.GetString(buffer, (int)n);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint readlink(string path, byte* buffer, nuint size);

    public static string OwnNamespace(NamespaceKind kind) => NamespaceOf(Environment.ProcessId, kind);

    /// <summary>Waits with a deadline; a hang fails the test (and kills the child) instead of hanging the suite.</summary>
    public static ExitStatus WaitWithDeadline(SpawnedProcess process)
    {
        if (!process.TryWaitForExit(Deadline, out var status))
        {
            process.Kill(Libc.SIGKILL);
            process.WaitForExit();
            Assert.Fail($"pid {process.Pid} did not exit within {Deadline}");
        }
        return status;
    }

    /// <summary>Spawns with the child's stdout on a pipe; returns what it printed and how it ended.</summary>
    public static (string Output, ExitStatus Status) Capture(SpawnPlan plan)
    {
        Assert.Equal(0, Libc.Pipe(out var readEnd, out var writeEnd));
        using (readEnd)
        {
            SpawnedProcess process;
            using (writeEnd)
            {
                process = Spawner.Spawn(new SpawnPlan
                {
                    Path = plan.Path,
                    Argv = plan.Argv,
                    Envp = plan.Envp,
                    NewNamespaces = plan.NewNamespaces,
                    JoinNamespaces = plan.JoinNamespaces,
                    Fds = [.. plan.Fds, new FdMapping(writeEnd, 1)],
                    ExecFd = plan.ExecFd,
                    AvoidClone3 = plan.AvoidClone3,
                    BecomeRoot = plan.BecomeRoot,
                    ClearGroups = plan.ClearGroups,
                    TimeOffsets = plan.TimeOffsets,
                    Cgroup = plan.Cgroup,
                    NotDumpable = plan.NotDumpable,
                });
            }
            using (process)
            {
                var output = new StringBuilder();
                var buffer = new byte[4096];
                int n;
                while ((n = Libc.Read(readEnd, buffer)) > 0)
                {
                    output.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
                Assert.True(n == 0, $"read from the child's stdout: errno {-n}");
                return (output.ToString(), WaitWithDeadline(process));
            }
        }
    }

    /// <summary>Runs a host tool (ip, ...) and returns its stdout; fails the test on a non-zero exit.</summary>
    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}: {stderr}");
        return stdout;
    }

    /// <summary>A named network namespace (ip netns add), deleted on Dispose.</summary>
    public sealed class NamedNetns : IDisposable
    {
        public NamedNetns()
        {
            Name = Host.UniqueName("hsp");
            Run("ip", "netns", "add", Name);
        }

        public string Name { get; }

        public string Path => "/run/netns/" + Name;

        /// <summary>The namespace's identity as "net:[inode]", read by a process inside it.</summary>
        public string Identity => Run("ip", "netns", "exec", Name, "readlink", "/proc/self/ns/net").Trim();

        public void Dispose() => Run("ip", "netns", "delete", Name);
    }
}
