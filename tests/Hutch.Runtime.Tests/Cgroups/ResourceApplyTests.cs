using System.Diagnostics;
using Process = System.Diagnostics.Process;
using Hutch.Linux.Cgroups;
using Hutch.Runtime.Cgroups;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups;

/// <summary>
/// CgroupResources.Apply on real cgroups of this host, as root: each test makes its own cgroup at an
/// absolute path (one directory per hierarchy), runs sh children inside, and removes it in finally.
/// </summary>
public class ResourceApplyTests
{
    private static LinuxResources Parse(string json) =>
        ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes("""{"ociVersion":"1.3.0","linux":{"resources":""" + json + "}}")).Linux!.Resources!;

    /// <summary>Creates a fresh cgroup on <paramref name="layout"/>, runs <paramref name="body"/>, then kills what is inside and removes it.</summary>
    private static void WithCgroup(CgroupLayout layout, Action<Cgroup> body)
    {
        var cgroup = Cgroup.Create(layout, "/" + Host.UniqueName("hres"));
        try
        {
            body(cgroup);
        }
        finally
        {
            foreach (var pid in cgroup.Pids())
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }
            cgroup.Remove();
        }
    }

    /// <summary>sh that first joins every directory of the cgroup, then runs <paramref name="script"/>.</summary>
    private static (int Exit, string Output) RunInside(Cgroup cgroup, string script, int timeoutMs = 20_000)
    {
        var join = string.Join("; ", cgroup.Directories.Values.Distinct().Select(d => $"echo $$ > {d}/cgroup.procs || exit 99"));
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{join}; {script}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(timeoutMs), "the child did not finish");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string File(Cgroup cgroup, string controller, string file) => cgroup.Read(controller, file)!.Trim();

    [RootFact]
    public void V1_device_list_denies_all_but_the_rules_and_runc_defaults()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            var config = ConfigJson.Load(Path.Combine(Host.RepoRoot, "tests/data/configs/docker-run.json"));
            CgroupResources.Apply(cgroup, config.Linux!.Resources!);

            var list = File(cgroup, "devices", "devices.list").Split('\n').ToHashSet();
            Assert.Contains("c 1:3 rwm", list);
            Assert.Contains("c 136:* rwm", list);
            Assert.Contains("b *:* m", list);
            Assert.DoesNotContain("a *:* rwm", list);
            Assert.DoesNotContain(list, l => l.StartsWith("c 10:229", StringComparison.Ordinal));

            var (exit, output) = RunInside(cgroup, "head -c1 /dev/zero | wc -c; dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>&1 || echo kmsg-denied");
            Assert.NotEqual(99, exit);
            Assert.StartsWith("1", output.Trim());
            Assert.Contains("Operation not permitted", output);
            Assert.Contains("kmsg-denied", output);
        });
    }

    [RootFact]
    public void Pids_limit_refuses_forks_past_it()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            CgroupResources.Apply(cgroup, Parse("""{"pids":{"limit":3}}"""));
            Assert.Equal("3", File(cgroup, "pids", "pids.max"));

            // sh itself is one task; two sleeps fit, the third fork fails.
            var (exit, output) = RunInside(cgroup, "sleep 1 & sleep 1 & sleep 1 & echo all-started; wait");
            Assert.Contains("fork", output, StringComparison.OrdinalIgnoreCase); // dash: "Cannot fork", bash: "fork: retry"
            Assert.DoesNotContain("all-started", output);
            Assert.NotEqual(0, exit);

            // Without the limit the same script runs through.
            CgroupResources.Apply(cgroup, Parse("""{"pids":{"limit":-1}}"""), update: true);
            Assert.Equal("max", File(cgroup, "pids", "pids.max"));
            (exit, output) = RunInside(cgroup, "sleep 0.1 & sleep 0.1 & sleep 0.1 & echo all-started; wait");
            Assert.Equal(0, exit);
            Assert.Contains("all-started", output);
        });
    }

    [RootFact]
    public void Memory_and_memsw_rise_and_fall_in_the_order_the_kernel_accepts()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            const long MB = 1 << 20;
            CgroupResources.Apply(cgroup, new LinuxResources { Memory = new LinuxMemory { Limit = 64 * MB, Swap = 128 * MB } });
            Assert.Equal($"{64 * MB}", File(cgroup, "memory", "memory.limit_in_bytes"));
            Assert.Equal($"{128 * MB}", File(cgroup, "memory", "memory.memsw.limit_in_bytes"));

            // Raising both: the new limit (256M) is above the old memsw (128M), so memsw must go first.
            CgroupResources.Apply(cgroup, new LinuxResources { Memory = new LinuxMemory { Limit = 256 * MB, Swap = 512 * MB } }, update: true);
            Assert.Equal($"{256 * MB}", File(cgroup, "memory", "memory.limit_in_bytes"));
            Assert.Equal($"{512 * MB}", File(cgroup, "memory", "memory.memsw.limit_in_bytes"));

            // Lowering both: the new memsw (64M) is below the old limit, so the limit must go first.
            CgroupResources.Apply(cgroup, new LinuxResources { Memory = new LinuxMemory { Limit = 32 * MB, Swap = 64 * MB } }, update: true);
            Assert.Equal($"{32 * MB}", File(cgroup, "memory", "memory.limit_in_bytes"));
            Assert.Equal($"{64 * MB}", File(cgroup, "memory", "memory.memsw.limit_in_bytes"));

            // Unlimited.
            CgroupResources.Apply(cgroup, new LinuxResources { Memory = new LinuxMemory { Limit = -1 } }, update: true);
            Assert.Equal(File(cgroup, "memory", "memory.memsw.limit_in_bytes"), File(cgroup, "memory", "memory.limit_in_bytes"));
        });
    }

    [RootFact]
    public void CheckBeforeUpdate_refuses_a_limit_below_the_current_usage()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            var dirs = string.Join("; ", cgroup.Directories.Values.Distinct().Select(d => $"echo $$ > {d}/cgroup.procs"));
            start.ArgumentList.Add($"{dirs}; x=$(head -c 4000000 /dev/zero | tr '\\0' a); echo ready; sleep 30");
            using var child = Process.Start(start)!;
            try
            {
                Assert.Equal("ready", child.StandardOutput.ReadLine());
                var usage = long.Parse(File(cgroup, "memory", "memory.usage_in_bytes"), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(usage > 1 << 20, $"usage {usage}");

                var e = Assert.Throws<CgroupResourceException>(() => CgroupResources.Apply(cgroup,
                    new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20, CheckBeforeUpdate = true } }, update: true));
                Assert.Equal("linux.resources.memory.limit", e.JsonPath);
                Assert.Contains("checkBeforeUpdate", e.Message);
                Assert.NotEqual($"{1 << 20}", File(cgroup, "memory", "memory.limit_in_bytes"));

                // Without the check the same update goes through (v1 reclaims down to the limit).
                CgroupResources.Apply(cgroup, new LinuxResources { Memory = new LinuxMemory { Limit = 64 << 20, CheckBeforeUpdate = true } }, update: true);
                Assert.Equal($"{64 << 20}", File(cgroup, "memory", "memory.limit_in_bytes"));
            }
            finally
            {
                child.Kill();
                child.WaitForExit();
            }
        });
    }

    [RootFact]
    public void Cpu_values_land_and_clamped_shares_are_reported()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            // Period smaller than the default while quota comes too: runc's EINVAL retry path may be needed.
            CgroupResources.Apply(cgroup, Parse("""{"cpu":{"shares":512,"quota":5000,"period":10000,"burst":1000,"cpus":"0","mems":"0"}}"""));
            Assert.Equal("512", File(cgroup, "cpu", "cpu.shares"));
            Assert.Equal("5000", File(cgroup, "cpu", "cpu.cfs_quota_us"));
            Assert.Equal("10000", File(cgroup, "cpu", "cpu.cfs_period_us"));
            Assert.Equal("1000", File(cgroup, "cpu", "cpu.cfs_burst_us"));
            Assert.Equal("0", File(cgroup, "cpuset", "cpuset.cpus"));

            // The kernel checks burst against the current quota (5000): 8000 is refused until the new quota
            // lands, so this only passes through the EINVAL retry runc does.
            CgroupResources.Apply(cgroup, Parse("""{"cpu":{"quota":20000,"period":100000,"burst":8000}}"""), update: true);
            Assert.Equal("8000", File(cgroup, "cpu", "cpu.cfs_burst_us"));
            Assert.Equal("20000", File(cgroup, "cpu", "cpu.cfs_quota_us"));
            var refused = Assert.Throws<CgroupResourceException>(() => CgroupResources.Apply(cgroup, Parse("""{"cpu":{"burst":30000}}"""), update: true));
            Assert.Equal("linux.resources.cpu.burst", refused.JsonPath);
            Assert.Contains("EINVAL", refused.Message);

            var e = Assert.Throws<CgroupResourceException>(() => CgroupResources.Apply(cgroup, Parse("""{"cpu":{"shares":1}}"""), update: true));
            Assert.Equal("linux.resources.cpu.shares", e.JsonPath);
            Assert.Contains("stored 2", e.Message);
        });
    }

    [V1ControllerFact("memory")]
    public void Kernel_TCP_limit_goes_to_v1_memory_kmem_tcp()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            Assert.NotEqual("8388608", File(cgroup, "memory", "memory.kmem.tcp.limit_in_bytes"));

            CgroupResources.Apply(cgroup, Parse("""{"memory":{"kernelTCP":8388608}}"""));

            Assert.Equal("8388608", File(cgroup, "memory", "memory.kmem.tcp.limit_in_bytes"));
        });
    }

    [UnifiedHugetlbFact]
    public void Hugetlb_limit_goes_to_the_unified_hierarchy_of_this_hybrid_host()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            CgroupResources.Apply(cgroup, Parse("""{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}"""));
            Assert.Equal("4194304", File(cgroup, "hugetlb", "hugetlb.2MB.max"));
        });
    }

    [RootFact]
    public void Unknown_hugepage_size_names_the_field()
    {
        WithCgroup(CgroupLayout.Detect(), cgroup =>
        {
            var e = Assert.Throws<CgroupResourceException>(() => CgroupResources.Apply(cgroup, Parse("""{"hugepageLimits":[{"pageSize":"3MB","limit":1}]}""")));
            Assert.Equal("linux.resources.hugepageLimits[0].limit", e.JsonPath);
            Assert.Contains("hugetlb.3MB", e.Message);
        });
    }

    [RootFact]
    public void Pure_v2_layout_attaches_the_device_filter_end_to_end()
    {
        // This host's cgroup2 mount seen as a pure v2 host: Apply must fall back to the eBPF filter.
        var unified = CgroupLayout.Detect().UnifiedMount;
        Assert.NotNull(unified);
        var layout = CgroupLayout.Parse($"41 31 0:38 / {unified} rw,relatime - cgroup2 cgroup2 rw\n", System.IO.File.ReadAllText(Path.Combine(unified, "cgroup.controllers")));
        WithCgroup(layout, cgroup =>
        {
            CgroupResources.Apply(cgroup, layout, Parse("""{"devices":[{"allow":false,"access":"rwm"}]}"""));
            Assert.Equal([DeviceFilter.ProgramName], DeviceFilter.AttachedProgramNames(cgroup.UnifiedDir!));
            var (_, output) = RunInside(cgroup, "head -c1 /dev/zero | wc -c; dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>&1 || echo kmsg-denied");
            Assert.StartsWith("1", output.Trim());
            Assert.Contains("kmsg-denied", output);

            // Update with kmsg allowed replaces the filter.
            CgroupResources.Apply(cgroup, layout, Parse("""{"devices":[{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}"""), update: true);
            Assert.Equal([DeviceFilter.ProgramName], DeviceFilter.AttachedProgramNames(cgroup.UnifiedDir!));
            (_, output) = RunInside(cgroup, "dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>&1 && echo kmsg-read");
            Assert.Contains("kmsg-read", output);
        });
    }
}
