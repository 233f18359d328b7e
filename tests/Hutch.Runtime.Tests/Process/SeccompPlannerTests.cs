using Hutch.Linux.Seccomp;
using Hutch.Runtime.Processes;
using Hutch.Runtime.State;
using Hutch.Spec;
using System.Text.Json;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>linux.seccomp to a SeccompFilter (pure) and the listener's container process state.</summary>
public sealed class SeccompPlannerTests
{
    private static LinuxSeccomp Docker() => new()
    {
        DefaultAction = "SCMP_ACT_ERRNO",
        DefaultErrnoRet = 38,
        Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        Flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
        Syscalls =
        [
            new LinuxSyscall { Names = ["read", "write"], Action = "SCMP_ACT_ALLOW" },
            new LinuxSyscall
            {
                Names = ["personality"],
                Action = "SCMP_ACT_ALLOW",
                Args = [new LinuxSeccompArg { Index = 0, Value = 0xffffffff, Op = "SCMP_CMP_EQ" }],
            },
            new LinuxSyscall
            {
                Names = ["clone"],
                Action = "SCMP_ACT_ERRNO",
                ErrnoRet = 1,
                Args = [new LinuxSeccompArg { Index = 0, Value = 0x7E020000, ValueTwo = 0, Op = "SCMP_CMP_MASKED_EQ" }],
            },
            new LinuxSyscall { Names = ["ptrace"], Action = "SCMP_ACT_TRACE" },
        ],
    };

    private static ProcessSetupException Fails(LinuxSeccomp seccomp) => Assert.Throws<ProcessSetupException>(() => SeccompPlanner.Plan(seccomp));

    [Fact]
    public void A_docker_like_profile_plans_to_libseccomp_numbers()
    {
        var filter = SeccompPlanner.Plan(Docker());

        Assert.Equal(0x00050000u | 38, filter.DefaultAction);
        Assert.Equal(["x86_64", "x86", "x32"], filter.Architectures);
        Assert.Equal(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow, filter.Flags); // TSYNC: nothing to sync
        Assert.Equal(["read", "write", "personality", "clone", "ptrace"], filter.Rules.Select(r => r.Syscall));
        Assert.Equal(SeccompActions.Allow, filter.Rules[0].Action);
        Assert.Equal(new SeccompCondition(0, SeccompOperators.Equal, 0xffffffff, 0), Assert.Single(filter.Rules[2].Conditions));
        Assert.Equal(0x00050001u, filter.Rules[3].Action);
        Assert.Equal(new SeccompCondition(0, SeccompOperators.MaskedEqual, 0x7E020000, 0), Assert.Single(filter.Rules[3].Conditions));
        Assert.Equal(0x7ff00001u, filter.Rules[4].Action); // SCMP_ACT_TRACE with the default EPERM
        Assert.False(filter.UsesNotify);
    }

    [Theory]
    [InlineData("SCMP_ACT_KILL", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_THREAD", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_PROCESS", null, 0x80000000u)]
    [InlineData("SCMP_ACT_TRAP", null, 0x00030000u)]
    [InlineData("SCMP_ACT_ERRNO", null, 0x00050001u)]
    [InlineData("SCMP_ACT_ERRNO", 95u, 0x0005005Fu)]
    [InlineData("SCMP_ACT_TRACE", 7u, 0x7ff00007u)]
    [InlineData("SCMP_ACT_ALLOW", null, 0x7fff0000u)]
    [InlineData("SCMP_ACT_LOG", null, 0x7ffc0000u)]
    [InlineData("SCMP_ACT_NOTIFY", null, 0x7fc00000u)]
    public void Actions_are_libseccomps_values(string name, uint? errnoRet, uint expected)
    {
        Assert.Equal(expected, SeccompActions.Parse(name, errnoRet, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Wrong_values_name_their_json_path()
    {
        Assert.Contains("linux.seccomp.defaultAction: \"SCMP_ACT_MAYBE\" is not a seccomp action",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_MAYBE" }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.syscalls[0].action: SCMP_ACT_ALLOW takes no errnoRet",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_ERRNO", Syscalls = [new LinuxSyscall { Names = ["read"], Action = "SCMP_ACT_ALLOW", ErrnoRet = 1 }] }).Message,
            StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.architectures[0]: \"SCMP_ARCH_Z80\"",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Architectures = ["SCMP_ARCH_Z80"] }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.flags[0]: \"SECCOMP_FILTER_FLAG_FAST\"",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_FAST"] }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.syscalls[0].args[0].op: \"SCMP_CMP_ABOUT\"",
            Fails(new LinuxSeccomp
            {
                DefaultAction = "SCMP_ACT_ALLOW",
                Syscalls = [new LinuxSyscall { Names = ["kill"], Action = "SCMP_ACT_ERRNO", Args = [new LinuxSeccompArg { Index = 1, Op = "SCMP_CMP_ABOUT" }] }],
            }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.syscalls[0].args[0].index: is 6",
            Fails(new LinuxSeccomp
            {
                DefaultAction = "SCMP_ACT_ALLOW",
                Syscalls = [new LinuxSyscall { Names = ["kill"], Action = "SCMP_ACT_ERRNO", Args = [new LinuxSeccompArg { Index = 6, Op = "SCMP_CMP_EQ" }] }],
            }).Message, StringComparison.Ordinal);
        Assert.Contains("linux.seccomp.syscalls[0].names: needs at least one syscall name",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new LinuxSyscall { Names = [], Action = "SCMP_ACT_ERRNO" }] }).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Notify_needs_a_listener_path_and_metadata_needs_a_path()
    {
        var notify = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new LinuxSyscall { Names = ["mkdir"], Action = "SCMP_ACT_NOTIFY" }] };
        Assert.Contains("linux.seccomp.listenerPath: is required when an action is SCMP_ACT_NOTIFY", Fails(notify).Message, StringComparison.Ordinal);

        notify.ListenerPath = "/run/agent.sock";
        Assert.True(SeccompPlanner.Plan(notify).UsesNotify);

        Assert.Contains("linux.seccomp.listenerMetadata: is set without listenerPath",
            Fails(new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", ListenerMetadata = "x" }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_keeps_the_listener_path_only_when_something_notifies()
    {
        var seccomp = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/run/agent.sock", ListenerMetadata = "m" };
        var process = new Spec.Process { Args = ["sh"], Cwd = "/" };
        Assert.Null(ProcessLauncher.Plan(process, seccomp, options: new ProcessPlanOptions { LastCapability = 40 }).SeccompListenerPath);

        seccomp.Syscalls = [new LinuxSyscall { Names = ["mkdir"], Action = "SCMP_ACT_NOTIFY" }];
        var plan = ProcessLauncher.Plan(process, seccomp, options: new ProcessPlanOptions { LastCapability = 40 });
        Assert.Equal(("/run/agent.sock", "m"), (plan.SeccompListenerPath, plan.SeccompListenerMetadata));
    }

    [Fact]
    public void The_container_process_state_has_runtime_md_fields()
    {
        var state = new OciState
        {
            OciVersion = "1.3.0",
            Id = "c1",
            Status = ContainerStatus.Created,
            Pid = 4422,
            Bundle = "/containers/redis",
            Annotations = new Dictionary<string, string> { ["k"] = "v" },
        };
        using var json = JsonDocument.Parse(ContainerProcessState.Serialize(state, "MKNOD=/dev/null"));
        var root = json.RootElement;

        Assert.Equal(["ociVersion", "fds", "pid", "metadata", "state"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("seccompFd", Assert.Single(root.GetProperty("fds").EnumerateArray()).GetString());
        Assert.Equal(4422, root.GetProperty("pid").GetInt32());
        Assert.Equal("created", root.GetProperty("state").GetProperty("status").GetString());
        Assert.Equal("v", root.GetProperty("state").GetProperty("annotations").GetProperty("k").GetString());

        using var bare = JsonDocument.Parse(ContainerProcessState.Serialize(state, null));
        Assert.False(bare.RootElement.TryGetProperty("metadata", out _));
    }
}
