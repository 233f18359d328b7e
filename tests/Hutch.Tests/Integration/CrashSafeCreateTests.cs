using System.Diagnostics;
using Process = System.Diagnostics.Process;
using System.Globalization;
using System.Text.Json;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// A create killed with SIGKILL at each of its steps (HUTCH_TEST_STOP_AT stops it exactly there,
/// then the test kills it for real) leaves a container that `list` shows and that
/// `delete --force` fully undoes: the host afterwards is the host before (addresses and devices
/// of the test's "host" network namespace, cgroup directories in every hierarchy, processes,
/// mounts). With net devices, hutch runs in a network namespace the test made (nsenter), with
/// three veth ends, addresses and up/down states to bring back.
/// </summary>
public sealed class CrashSafeCreateTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The crash points of a create without devices, and the status `list` gives it after the kill.</summary>
    public static TheoryData<string, string> PlainPoints => new()
    {
        { "claimed", "stopped" },
        { "journal-begun", "stopped" },
        { "cgroup-made", "stopped" },
        { "init-spawned", "stopped" },
        { "released", "stopped" },
        { "prestart-hooks", "stopped" },
        { "ready", "stopped" },
        { "committing", "creating" },
        { "unpinned", "creating" },
        { "committed", "created" },
        { "pid-file", "created" },
    };

    /// <summary>The crash points of a create that moves three devices (device-N: N moved, the next journaled, not moved).</summary>
    public static TheoryData<string, string> DevicePoints => new()
    {
        { "init-spawned", "stopped" },
        { "netns-pinned", "stopped" },
        { "device-0", "stopped" },
        { "device-1", "stopped" },
        { "device-2", "stopped" },
        { "devices-moved", "stopped" },
        { "released", "stopped" },
        { "prestart-hooks", "stopped" },
        { "ready", "stopped" },
        { "committing", "creating" },
        { "unpinned", "creating" },
        { "committed", "created" },
        { "pid-file", "created" },
    };

    [ContainerTheory]
    [MemberData(nameof(PlainPoints))]
    public void A_create_killed_at_a_step_is_listed_and_delete_force_leaves_the_host_as_it_was(string point, string status)
    {
        var id = host.NewId("crash");
        var cgroupName = "hutch-crash-" + id;
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "60"];
            c.Linux!.CgroupsPath = "/" + cgroupName;
        });
        var before = HostSnapshot.Take(null, cgroupName, host.Root);

        KillAt(point, null, "create", "--bundle", bundle, id);
        AssertListed(null, id, point, status);
        var delete = Hutch(null, "delete", "--force", id);

        Assert.True(delete.ExitCode == 0, $"{point}: {delete}");
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), $"{point}: the state directory stays");
        Assert.Equal(before, HostSnapshot.Take(null, cgroupName, host.Root));
        Assert.False(host.AnyProcessHoldsRoot(), $"{point}: a process still holds the state directory");
    }

    [ContainerTheory]
    [MemberData(nameof(DevicePoints))]
    public void A_create_moving_devices_killed_at_a_step_gets_them_back_with_names_addresses_and_state(string point, string status)
    {
        using var netns = TestNetns.Create();
        var devices = new Dictionary<string, LinuxNetDevice>();
        string[] inside = ["eth1", "eth%d", ""];
        for (var i = 0; i < 3; i++)
        {
            var (a, _) = netns.AddVeth();
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            netns.Ip("addr", "add", $"198.18.7.{n}/24", "dev", a);
            netns.Ip("addr", "add", $"2001:db8:7::{n}/64", "dev", a, "nodad");
            if (i != 1)
            {
                netns.Ip("link", "set", a, "up");
            }
            devices[a] = new LinuxNetDevice { Name = inside[i].Length == 0 ? null : inside[i] };
        }
        var id = host.NewId("crashnet");
        var cgroupName = "hutch-crash-" + id;
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "60"];
            c.Linux!.CgroupsPath = "/" + cgroupName;
            c.Linux.NetDevices = devices;
        });
        var before = HostSnapshot.Take(netns.Name, cgroupName, host.Root);
        try
        {
            KillAt(point, netns.Path, "create", "--bundle", bundle, id);
            AssertListed(netns.Path, id, point, status);
            var delete = Hutch(netns.Path, "delete", "--force", id);

            Assert.True(delete.ExitCode == 0, $"{point}: {delete}");
            Assert.Equal(before, HostSnapshot.Take(netns.Name, cgroupName, host.Root));
            Assert.False(host.AnyProcessHoldsRoot(), $"{point}: a process still holds the state directory");
        }
        finally
        {
            Hutch(netns.Path, "delete", "--force", id);
        }
    }

    /// <summary>An exec killed after its process exists but before it is released: the process never runs and is gone; the container runs on.</summary>
    [ContainerFact]
    public void An_exec_killed_before_its_release_leaves_no_process_in_the_container()
    {
        var id = host.NewId("crashexec");
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "60"]);
        try
        {
            var run = Hutch(null, "run", "--detach", "--bundle", bundle, id);
            Assert.True(run.ExitCode == 0, run.ToString());
            var initPid = JsonDocument.Parse(Hutch(null, "state", id).Stdout).RootElement.GetProperty("pid").GetInt32();

            KillAt("exec-spawned", null, "exec", id, "sh", "-c", "touch /exec-ran; sleep 1000");

            var deadline = DateTime.UtcNow + Deadline;
            while (Others(initPid) is { Count: > 0 } others)
            {
                Assert.True(DateTime.UtcNow < deadline, $"processes stay in the container after the killed exec: {string.Join(", ", others)}");
                Thread.Sleep(20);
            }
            Assert.False(File.Exists($"/proc/{initPid}/root/exec-ran"), "the killed exec's program ran");
            Assert.Equal("running", JsonDocument.Parse(Hutch(null, "state", id).Stdout).RootElement.GetProperty("status").GetString());
        }
        finally
        {
            Hutch(null, "delete", "--force", id);
        }
    }

    /// <summary>Live processes in the pid namespace of <paramref name="initPid"/> other than it.</summary>
    private static List<int> Others(int initPid) =>
        [.. ContainerHost.PidsInNamespaceOf(initPid).Where(pid => pid != initPid && ProcessState(pid) is not ('Z' or '?'))];

    /// <summary>/proc/PID/comm, or "" when the process is gone.</summary>
    private static string Comm(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A create killed while its prestart hook runs: the hook dies with it (a hook is spawned with the parent-death signal), and `delete --force` leaves the host as it was.</summary>
    [ContainerFact]
    public void A_create_killed_while_a_hook_runs_takes_the_hook_along()
    {
        var id = host.NewId("crashhook");
        var cgroupName = "hutch-crash-" + id;
        var hookPid = Path.Combine(Path.GetTempPath(), id + ".hook");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "60"];
            c.Linux!.CgroupsPath = "/" + cgroupName;
            c.Hooks = new Hooks { Prestart = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", $"echo $$ > {hookPid}.tmp && mv {hookPid}.tmp {hookPid} && exec sleep 1000"] }] };
        });
        var before = HostSnapshot.Take(null, cgroupName, host.Root);
        string? pid = null;
        try
        {
            using (var create = Start(null, "none", ["create", "--bundle", bundle, id]))
            {
                try
                {
                    var deadline = DateTime.UtcNow + Deadline;
                    while (!File.Exists(hookPid))
                    {
                        Assert.False(create.HasExited, $"create exited ({(create.HasExited ? create.ExitCode : 0)}) before its hook ran");
                        Assert.True(DateTime.UtcNow < deadline, $"the hook did not start within {Deadline.TotalSeconds} s");
                        Thread.Sleep(20);
                    }
                    pid = File.ReadAllText(hookPid).Trim();
                    // The hook is running for good once its shell has become `sleep`.
                    while (Comm(pid) != "sleep")
                    {
                        Assert.True(DateTime.UtcNow < deadline, $"the hook (pid {pid}) did not reach its sleep: {Comm(pid)}");
                        Thread.Sleep(20);
                    }
                }
                finally
                {
                    create.Kill();
                    create.WaitForExit();
                    File.Delete(create.StartInfo.Environment["HUTCH_IT_ERR"]!);
                }
            }
            var gone = DateTime.UtcNow + Deadline;
            while (ProcessState(int.Parse(pid, CultureInfo.InvariantCulture)) is not ('?' or 'Z'))
            {
                Assert.True(DateTime.UtcNow < gone, $"the hook (pid {pid}) outlived the killed create");
                Thread.Sleep(20);
            }
            var delete = Hutch(null, "delete", "--force", id);

            Assert.True(delete.ExitCode == 0, delete.ToString());
            Assert.Equal(before, HostSnapshot.Take(null, cgroupName, host.Root));
        }
        finally
        {
            if (pid is not null && ProcessState(int.Parse(pid, CultureInfo.InvariantCulture)) is not ('?' or 'Z'))
            {
                Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)).Kill();
            }
            Hutch(null, "delete", "--force", id);
            File.Delete(hookPid);
        }
    }

    /// <summary>Runs hutch with HUTCH_TEST_STOP_AT=<paramref name="point"/>, waits until it has stopped itself there, and SIGKILLs it.</summary>
    private void KillAt(string point, string? netnsPath, params string[] args)
    {
        using var process = Start(netnsPath, point, args);
        try
        {
            var deadline = DateTime.UtcNow + Deadline;
            while (ProcessState(process.Id) != 'T')
            {
                if (process.HasExited)
                {
                    Assert.Fail($"hutch exited ({process.ExitCode}) without reaching {point}: {File.ReadAllText(process.StartInfo.Environment["HUTCH_IT_ERR"]!)}");
                }
                Assert.True(DateTime.UtcNow < deadline, $"hutch did not reach {point} within {Deadline.TotalSeconds} s");
                Thread.Sleep(20);
            }
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
            File.Delete(process.StartInfo.Environment["HUTCH_IT_ERR"]!);
        }
        Assert.Equal(137, process.ExitCode);
    }

    /// <summary>`list` shows the container with <paramref name="status"/> (after the init, when it was to die with the create, is gone).</summary>
    private void AssertListed(string? netnsPath, string id, string point, string status)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var list = Hutch(netnsPath, "list", "--format", "json");
            Assert.True(list.ExitCode == 0, $"{point}: {list}");
            using var json = JsonDocument.Parse(list.Stdout);
            var entry = json.RootElement.EnumerateArray().SingleOrDefault(e => e.GetProperty("id").GetString() == id);
            Assert.True(entry.ValueKind == JsonValueKind.Object, $"{point}: `list` does not show {id}: {list.Stdout}");
            var listed = entry.GetProperty("status").GetString();
            if (listed == status)
            {
                return;
            }
            // The parent-death signal reaches the init a moment after the kill.
            Assert.True(DateTime.UtcNow < deadline, $"{point}: `list` shows {id} {listed}, not {status}");
            Thread.Sleep(20);
        }
    }

    private Outcome Hutch(string? netnsPath, params string[] args) =>
        netnsPath is null ? host.Hutch(args) : host.HutchVia(["nsenter", "--net=" + netnsPath], null, args);

    private Process Start(string? netnsPath, string point, string[] args)
    {
        var stderr = Path.Combine(Path.GetTempPath(), "hutch-crash-" + Guid.NewGuid().ToString("N") + ".err");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >/dev/null 2>\"$HUTCH_IT_ERR\"");
        if (netnsPath is not null)
        {
            start.ArgumentList.Add("nsenter");
            start.ArgumentList.Add("--net=" + netnsPath);
        }
        start.ArgumentList.Add(HutchBinary.PathName);
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(host.Root);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["HUTCH_IT_ERR"] = stderr;
        start.Environment["HUTCH_TEST_STOP_AT"] = point;
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start /bin/sh");
    }

    /// <summary>The state letter of /proc/PID/stat ('T' stopped), or '?' when gone.</summary>
    private static char ProcessState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '?';
        }
    }
}
