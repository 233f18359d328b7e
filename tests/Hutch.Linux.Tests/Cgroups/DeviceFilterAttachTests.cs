using System.Diagnostics;
using Hutch.Linux.Cgroups;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>
/// The generated eBPF device filter attached for real to a fresh cgroup2 directory: a process moved
/// into it can open the allowed /dev/null (c 1:3) but not /dev/zero (c 1:5, EPERM).
/// </summary>
public class DeviceFilterAttachTests
{
    private static string Cgroup2Root =>
        File.Exists("/sys/fs/cgroup/unified/cgroup.procs") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";

    private static readonly DeviceFilterRule DenyAll = new(false, DeviceKind.All, -1, -1, DeviceAccess.All);
    private static readonly DeviceFilterRule AllowAll = new(true, DeviceKind.All, -1, -1, DeviceAccess.All);

    private static DeviceFilterRule Char(bool allow, long major, long minor) => new(allow, DeviceKind.Char, major, minor, DeviceAccess.All);

    /// <summary>Runs <paramref name="script"/> with sh after moving that sh into <paramref name="dir"/>; returns (exit, stdout+stderr).</summary>
    private static (int Exit, string Output) RunInside(string dir, string script)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"echo $$ > {dir}/cgroup.procs || exit 99; {script}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(20_000), "the child did not finish");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static void WithCgroup(Action<string> body)
    {
        var dir = Path.Combine(Cgroup2Root, Host.UniqueName("hdf"));
        Directory.CreateDirectory(dir);
        try
        {
            body(dir);
        }
        finally
        {
            // The children exited; move any straggler out, then remove (the kernel drops the programs with the cgroup).
            foreach (var pid in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
            {
                try
                {
                    File.WriteAllText(Path.Combine(Cgroup2Root, "cgroup.procs"), pid);
                }
                catch (IOException)
                {
                }
            }
            for (var i = 0; i < 50 && Directory.Exists(dir); i++)
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }

    [RootFact]
    public void Allowed_device_opens_and_denied_one_gives_EPERM()
    {
        WithCgroup(dir =>
        {
            DeviceFilter.Attach(dir, DeviceFilterRuleSet.Build([DenyAll, Char(true, 1, 3)]));

            var (exit, output) = RunInside(dir, "cat /dev/null && echo null-ok; exec cat /dev/zero | head -c1");
            Assert.Contains("null-ok", output);
            Assert.Contains("/dev/zero: Operation not permitted", output);
            Assert.NotEqual(99, exit);

            // Outside the cgroup the same open works: the filter, not the host, refused it.
            var (outsideExit, _) = RunInside(Cgroup2Root, "head -c1 /dev/zero > /dev/null");
            Assert.Equal(0, outsideExit);
        });
    }

    [RootFact]
    public void Default_allow_filter_denies_only_the_listed_device()
    {
        WithCgroup(dir =>
        {
            DeviceFilter.Attach(dir, DeviceFilterRuleSet.Build([AllowAll, Char(false, 1, 3)]));
            var (_, output) = RunInside(dir, "head -c1 /dev/zero | wc -c; cat /dev/null || echo null-denied");
            Assert.Contains("1", output);
            Assert.Contains("/dev/null: Operation not permitted", output);
            Assert.Contains("null-denied", output);
        });
    }

    [RootFact]
    public void Update_replaces_hutchs_previous_program()
    {
        WithCgroup(dir =>
        {
            DeviceFilter.Attach(dir, DeviceFilterRuleSet.Build([DenyAll, Char(true, 1, 3)]));
            Assert.Equal([DeviceFilter.ProgramName], DeviceFilter.AttachedProgramNames(dir));

            // Now allow /dev/zero as well: the old program must be gone, or it would still deny it.
            DeviceFilter.Attach(dir, DeviceFilterRuleSet.Build([DenyAll, Char(true, 1, 3), Char(true, 1, 5)]));
            Assert.Equal([DeviceFilter.ProgramName], DeviceFilter.AttachedProgramNames(dir));

            var (exit, output) = RunInside(dir, "head -c1 /dev/zero | wc -c");
            Assert.Equal(0, exit);
            Assert.Equal("1", output.Trim());
        });
    }

    [RootFact]
    public void Missing_cgroup_directory_is_a_clear_error()
    {
        var dir = Path.Combine(Cgroup2Root, Host.UniqueName("hdfmiss"));
        var e = Assert.Throws<DeviceFilterException>(() => DeviceFilter.Attach(dir, DeviceFilterRuleSet.Build([DenyAll])));
        Assert.Contains(dir, e.Message);
        Assert.Equal(Errno.ENOENT, e.Errno);
    }
}
