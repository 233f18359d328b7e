using Hutch.Linux.Capabilities;
using Hutch.Runtime.Processes;
using Hutch.Spec;
using SpecProcess = Hutch.Spec.Process;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>ProcessLauncher.Plan: names to numbers, pure (the kernel's last capability is given).</summary>
public sealed class ProcessPlannerTests
{
    private static SpecProcess Process(Action<SpecProcess>? change = null)
    {
        var process = new SpecProcess { Args = ["sh"], Cwd = "/", User = new User { Uid = 1, Gid = 2 } };
        change?.Invoke(process);
        return process;
    }

    private static ProcessPlan Plan(SpecProcess process, LinuxPersonality? personality = null, bool isExec = false) =>
        ProcessLauncher.Plan(process, null, personality, new ProcessPlanOptions { LastCapability = 40, IsExec = isExec });

    private static ProcessSetupException Fails(SpecProcess process, LinuxPersonality? personality = null) =>
        Assert.Throws<ProcessSetupException>(() => Plan(process, personality));

    [Fact]
    public void Capability_names_become_sets_of_numbers()
    {
        var plan = Plan(Process(p => p.Capabilities = new LinuxCapabilities
        {
            Bounding = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHECKPOINT_RESTORE"],
            Effective = ["CAP_KILL"],
            Permitted = ["CAP_KILL", "CAP_SYS_ADMIN"],
            Inheritable = [],
            Ambient = null,
        }));

        Assert.Equal((1UL << 40) | 0x421UL, plan.Capabilities.Bounding.Bits); // CHOWN 0, KILL 5, NET_BIND_SERVICE 10, CHECKPOINT_RESTORE 40
        Assert.Equal(1UL << 5, plan.Capabilities.Effective.Bits);
        Assert.Equal((1UL << 5) | (1UL << 21), plan.Capabilities.Permitted.Bits);
        Assert.Equal(CapabilitySet.Empty, plan.Capabilities.Inheritable);
        Assert.Equal(CapabilitySet.Empty, plan.Capabilities.Ambient);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Unknown_and_kernel_unknown_capabilities_are_warnings_not_errors()
    {
        // config.md: values that cannot be mapped "MUST be logged as a warning"; runtimes "SHOULD NOT fail".
        var plan = ProcessLauncher.Plan(Process(p => p.Capabilities = new LinuxCapabilities
        {
            Bounding = ["CAP_KILL", "CAP_FLY", "CAP_CHECKPOINT_RESTORE"],
        }), options: new ProcessPlanOptions { LastCapability = 39 });

        Assert.Equal(1UL << 5, plan.Capabilities.Bounding.Bits);
        Assert.Equal(2, plan.Warnings.Count);
        Assert.Contains("process.capabilities.bounding[1]: \"CAP_FLY\" is not a capability hutch knows", plan.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("process.capabilities.bounding[2]: CAP_CHECKPOINT_RESTORE is not known to this kernel (its last capability is CAP_BPF)",
            plan.Warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void No_capabilities_object_grants_nothing()
    {
        var plan = Plan(Process());
        Assert.Equal(0, plan.Capabilities.Bounding.Count + plan.Capabilities.Effective.Count + plan.Capabilities.Permitted.Count);
    }

    [Fact]
    public void Rlimits_map_to_resource_numbers()
    {
        var plan = Plan(Process(p => p.Rlimits =
        [
            new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 1024, Hard = 4096 },
            new PosixRlimit { Type = "RLIMIT_CORE", Soft = 0, Hard = ulong.MaxValue },
        ]));

        Assert.Equal([new PlannedRlimit("RLIMIT_NOFILE", 7, 1024, 4096), new PlannedRlimit("RLIMIT_CORE", 4, 0, ulong.MaxValue)], plan.Rlimits);
    }

    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_MEMLOCK", 8)]
    [InlineData("RLIMIT_AS", 9)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void Rlimit_names_are_the_kernels_numbers(string name, int resource)
    {
        Assert.Equal(resource, RlimitNames.Resource(name));
        Assert.Equal(name, RlimitNames.Name(resource));
    }

    [Fact]
    public void Bad_rlimits_name_their_json_path()
    {
        var unknown = Fails(Process(p => p.Rlimits = [new PosixRlimit { Type = "RLIMIT_FUN", Soft = 1, Hard = 1 }]));
        var twice = Fails(Process(p => p.Rlimits =
        [
            new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 },
            new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 2, Hard = 2 },
        ]));
        var inverted = Fails(Process(p => p.Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 9, Hard = 1 }]));

        Assert.StartsWith("config.json: process.rlimits[0].type: \"RLIMIT_FUN\" is not a Linux resource limit", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("config.json: process.rlimits[1].type: RLIMIT_NOFILE is given twice", twice.Message, StringComparison.Ordinal);
        Assert.Equal("config.json: process.rlimits[0]: soft limit 9 is above hard limit 1", inverted.Message);
        Assert.Equal("rlimits", inverted.Step);
    }

    [Fact]
    public void User_umask_groups_and_the_runc_default_umask()
    {
        var plan = Plan(Process(p => p.User = new User { Uid = 1000, Gid = 100, Umask = 0x3F, AdditionalGids = [5, 6] }));
        var defaulted = Plan(Process());

        Assert.Equal((1000u, 100u, 0x3Fu), (plan.Uid, plan.Gid, plan.Umask));
        Assert.Equal([5u, 6u], plan.AdditionalGids);
        Assert.Equal(0x12u, defaulted.Umask);
    }

    [Fact]
    public void Personality_domains_and_flags()
    {
        Assert.Equal(0x8UL, Plan(Process(), new LinuxPersonality { Domain = "LINUX32" }).Personality);
        Assert.Equal(0x0UL, Plan(Process(), new LinuxPersonality { Domain = "LINUX" }).Personality);
        Assert.Null(Plan(Process()).Personality);
        Assert.Contains("linux.personality.domain: \"LINUX64\" is not LINUX or LINUX32",
            Fails(Process(), new LinuxPersonality { Domain = "LINUX64" }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.personality.flags: no flag is supported",
            Fails(Process(), new LinuxPersonality { Domain = "LINUX", Flags = ["X"] }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduler_becomes_a_sched_attr()
    {
        var plan = Plan(Process(p => p.Scheduler = new Scheduler
        {
            Policy = "SCHED_DEADLINE",
            Flags = ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM"],
            Runtime = 10_000,
            Deadline = 20_000,
            Period = 30_000,
        }));
        var batch = Plan(Process(p => p.Scheduler = new Scheduler { Policy = "SCHED_BATCH", Nice = -3 })).Scheduler!.Value;

        var attr = plan.Scheduler!.Value;
        Assert.Equal((56u, 6u, 0x3UL, 10_000UL, 20_000UL, 30_000UL), (attr.Size, attr.Policy, attr.Flags, attr.Runtime, attr.Deadline, attr.Period));
        Assert.Equal((3u, -3), (batch.Policy, batch.Nice));
        Assert.Contains("process.scheduler.nice: is 20", Fails(Process(p => p.Scheduler = new Scheduler { Policy = "SCHED_OTHER", Nice = 20 })).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Io_priority_is_class_shifted_by_13_plus_level()
    {
        Assert.Equal((2 << 13) | 4, Plan(Process(p => p.IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_BE", Priority = 4 })).IoPriority);
        Assert.Equal(1 << 13, Plan(Process(p => p.IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_RT", Priority = 0 })).IoPriority);
        Assert.Contains("process.ioPriority.priority: is 8",
            Fails(Process(p => p.IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_BE", Priority = 8 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_cpu_affinity_applies_to_exec_processes_only()
    {
        var process = Process(p => p.ExecCPUAffinity = new CpuAffinity { Initial = "0-3", Final = "1,3" });
        var exec = Plan(process, isExec: true);
        var init = Plan(process);

        Assert.Equal(0b1010UL, exec.CpuAffinity![0]);
        Assert.Null(init.CpuAffinity);
        Assert.Contains(init.Notes, n => n.Contains("does not apply to the container's init process", StringComparison.Ordinal));
        Assert.Contains("process.execCPUAffinity.final: \"1-x\"",
            Fails(Process(p => p.ExecCPUAffinity = new CpuAffinity { Final = "1-x" })).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3,7", new[] { 0, 1, 2, 3, 7 })]
    [InlineData(" 2 , 64-65", new[] { 2, 64, 65 })]
    [InlineData("1023", new[] { 1023 })]
    public void Cpu_lists_parse_to_masks(string list, int[] cpus)
    {
        var mask = CpuList.Parse(list);
        var set = Enumerable.Range(0, CpuList.MaxCpus).Where(c => (mask[c / 64] & (1UL << (c % 64))) != 0).ToArray();
        Assert.Equal(cpus, set);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1,,2")]
    [InlineData("1024")]
    public void Bad_cpu_lists_are_format_errors(string list) => Assert.Throws<FormatException>(() => CpuList.Parse(list));

    [Fact]
    public void Required_fields_and_oom_range()
    {
        Assert.Contains("process.args", Fails(Process(p => p.Args = [])).Message, StringComparison.Ordinal);
        Assert.Contains("process.cwd: \"rel\" is not an absolute path", Fails(Process(p => p.Cwd = "rel")).Message, StringComparison.Ordinal);
        Assert.Contains("process.oomScoreAdj: is 1001", Fails(Process(p => p.OomScoreAdj = 1001)).Message, StringComparison.Ordinal);
        Assert.Equal(-1000, Plan(Process(p => p.OomScoreAdj = -1000)).OomScoreAdj);
    }

    /// <summary>
    /// The planner is what both the init and exec (also with --process FILE, which is not a
    /// config.json and skips its validation) go through: (uid_t)-1 must never reach setresuid,
    /// which reads it as "unchanged" and so kept the runtime's root.
    /// </summary>
    [Theory]
    [InlineData(4294967295u, 0u, "process.user.uid: is 4294967295")]
    [InlineData(0u, 4294967295u, "process.user.gid: is 4294967295")]
    [InlineData(2147483648u, 0u, "process.user.uid: is 2147483648")]
    public void Ids_outside_0_to_2147483647_are_refused(uint uid, uint gid, string expected)
    {
        var message = Fails(Process(p => p.User = new User { Uid = uid, Gid = gid })).Message;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("0 to 2147483647", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Additional_gid_4294967295_is_refused_and_2147483647_accepted()
    {
        var message = Fails(Process(p => p.User = new User { AdditionalGids = [1, uint.MaxValue] })).Message;
        Assert.Contains("process.user.additionalGids[1]: is 4294967295", message, StringComparison.Ordinal);
        var plan = Plan(Process(p => p.User = new User { Uid = int.MaxValue, Gid = int.MaxValue, AdditionalGids = [int.MaxValue] }));
        Assert.Equal((uint)int.MaxValue, plan.Uid);
    }

    [Fact]
    public void Labels_are_ignored_with_a_note_when_the_lsm_is_off_and_refused_when_on()
    {
        var plan = Plan(Process(p =>
        {
            p.ApparmorProfile = "docker-default";
            p.SelinuxLabel = "system_u:system_r:container_t:s0";
        }));

        SecurityLabels.Check(plan, appArmorEnabled: false, selinuxEnabled: false);
        Assert.Equal(2, plan.Notes.Count);
        Assert.Contains("AppArmor is not enabled", plan.Notes[0], StringComparison.Ordinal);
        var apparmor = Assert.Throws<ProcessSetupException>(() => SecurityLabels.Check(plan, appArmorEnabled: true, selinuxEnabled: false));
        var selinux = Assert.Throws<ProcessSetupException>(() => SecurityLabels.Check(plan, appArmorEnabled: false, selinuxEnabled: true));
        Assert.Equal(("apparmor", "selinux"), (apparmor.Step, selinux.Step));
    }

    [Fact]
    public void The_mount_label_is_ignored_with_a_note_when_selinux_is_off_and_refused_when_on()
    {
        var notes = new List<string>();
        const string label = "system_u:object_r:container_file_t:s0";

        SecurityLabels.CheckMountLabel(label, selinuxEnabled: false, notes.Add);
        var e = Assert.Throws<ProcessSetupException>(() => SecurityLabels.CheckMountLabel(label, selinuxEnabled: true, notes.Add));

        Assert.Equal($"linux.mountLabel \"{label}\" ignored: SELinux is not enabled on this host", Assert.Single(notes));
        Assert.Contains("linux.mountLabel", e.Message, StringComparison.Ordinal);
        Assert.Contains("SELinux is enabled on this host and hutch cannot label mounts yet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void This_host_has_neither_apparmor_nor_selinux()
    {
        // The VM's premise (issue 3): labels are ignored here; if this fails, the launcher refuses labelled configs.
        Assert.False(SecurityLabels.AppArmorEnabled());
        Assert.False(SecurityLabels.SelinuxEnabled());
    }
}
