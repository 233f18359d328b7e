using System.Buffers.Binary;
using Hutch.Linux.Seccomp;

namespace Hutch.Linux.Tests.Seccomp;

/// <summary>SeccompCompiler with the system's libseccomp: the BPF comes out, nothing is loaded.</summary>
public sealed class SeccompCompilerTests
{
    private static SeccompFilter Filter(uint defaultAction, params SeccompRule[] rules) =>
        new() { DefaultAction = defaultAction, Architectures = ["x86_64", "x86"], Rules = rules };

    private static SeccompRule Rule(string syscall, uint action, params SeccompCondition[] conditions) => new(syscall, action, conditions);

    [Fact]
    public void A_filter_compiles_to_whole_bpf_instructions_that_check_the_architecture_first()
    {
        var program = SeccompCompiler.Compile(Filter(SeccompActions.Allow, Rule("mkdir", SeccompActions.Errno(1)), Rule("mkdirat", SeccompActions.Errno(1))));

        Assert.True(program.InstructionCount > 4);
        Assert.Equal(program.InstructionCount * 8, program.Instructions.Length);
        // struct sock_filter { u16 code; u8 jt, jf; u32 k }: BPF_LD|BPF_W|BPF_ABS of seccomp_data.arch (offset 4).
        Assert.Equal(0x20, BinaryPrimitives.ReadUInt16LittleEndian(program.Instructions));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(program.Instructions.AsSpan(4)));
        Assert.Equal(0u, program.Flags);
        Assert.Empty(program.SkippedSyscalls);
    }

    [Fact]
    public void Unknown_syscalls_are_skipped_and_reported()
    {
        var program = SeccompCompiler.Compile(Filter(SeccompActions.Allow, Rule("no_such_syscall", SeccompActions.Errno(1)), Rule("mkdir", SeccompActions.Errno(1))));
        Assert.Equal(["no_such_syscall"], program.SkippedSyscalls);
        Assert.True(SeccompCompiler.KnowsSyscall("mkdir"));
        Assert.False(SeccompCompiler.KnowsSyscall("no_such_syscall"));
    }

    [Fact]
    public void Rules_more_specific_with_conditions_compile_and_same_argument_ones_become_alternatives()
    {
        var and = SeccompCompiler.Compile(Filter(SeccompActions.Allow,
            Rule("kill", SeccompActions.Errno(1), new SeccompCondition(0, SeccompOperators.GreaterThan, 1, 0), new SeccompCondition(1, SeccompOperators.Equal, 9, 0))));
        var or = SeccompCompiler.Compile(Filter(SeccompActions.Allow,
            Rule("personality", SeccompActions.Errno(1), new SeccompCondition(0, SeccompOperators.Equal, 8, 0), new SeccompCondition(0, SeccompOperators.Equal, 0x20008, 0))));
        var masked = SeccompCompiler.Compile(Filter(SeccompActions.Allow,
            Rule("clone", SeccompActions.Errno(1), new SeccompCondition(0, SeccompOperators.MaskedEqual, 0x7E020000, 0))));

        Assert.All([and, or, masked], p => Assert.True(p.InstructionCount > 4));
    }

    [Fact]
    public void A_rule_equal_to_the_default_action_changes_nothing()
    {
        var plain = SeccompCompiler.Compile(Filter(SeccompActions.Allow));
        var redundant = SeccompCompiler.Compile(Filter(SeccompActions.Allow, Rule("read", SeccompActions.Allow)));
        Assert.Equal(plain.Instructions, redundant.Instructions);
    }

    [Fact]
    public void Notify_adds_the_listener_flag_and_wait_killable_needs_it()
    {
        var notify = SeccompCompiler.Compile(new SeccompFilter
        {
            DefaultAction = SeccompActions.Allow,
            Flags = SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.Log,
            Rules = [Rule("mkdir", SeccompActions.Notify)],
        });
        var plain = SeccompCompiler.Compile(new SeccompFilter
        {
            DefaultAction = SeccompActions.Allow,
            Flags = SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.Log,
            Rules = [Rule("mkdir", SeccompActions.Errno(1))],
        });

        Assert.Equal(SeccompFilterFlags.NewListener | SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.Log, notify.Flags);
        Assert.Equal(SeccompFilterFlags.Log, plain.Flags);
    }

    [Fact]
    public void Errors_name_what_is_wrong()
    {
        var arch = Assert.Throws<SeccompException>(() => SeccompCompiler.Compile(new SeccompFilter { DefaultAction = SeccompActions.Allow, Architectures = ["z80"] }));
        var index = Assert.Throws<SeccompException>(() => SeccompCompiler.Compile(Filter(SeccompActions.Allow,
            Rule("kill", SeccompActions.Errno(1), new SeccompCondition(6, SeccompOperators.Equal, 0, 0)))));

        Assert.Contains("architecture \"z80\" is unknown to this libseccomp", arch.Message, StringComparison.Ordinal);
        Assert.Contains("syscall \"kill\": argument index 6 is out of range", index.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SCMP_ARCH_X86_64", "x86_64")]
    [InlineData("SCMP_ARCH_X86", "x86")]
    [InlineData("SCMP_ARCH_X32", "x32")]
    [InlineData("SCMP_ARCH_AARCH64", "aarch64")]
    [InlineData("SCMP_ARCH_MIPSEL64N32", "mipsel64n32")]
    [InlineData("SCMP_ARCH_RISCV64", "riscv64")]
    [InlineData("SCMP_ARCH_Z80", null)]
    [InlineData("x86_64", null)]
    public void Spec_architectures_map_to_libseccomp_names(string spec, string? libseccomp) =>
        Assert.Equal(libseccomp, SeccompArchitectures.LibseccompName(spec));

    [Theory]
    [InlineData("SECCOMP_FILTER_FLAG_TSYNC", 0u)]
    [InlineData("SECCOMP_FILTER_FLAG_LOG", 2u)]
    [InlineData("SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4u)]
    [InlineData("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32u)]
    [InlineData("SECCOMP_FILTER_FLAG_NEW_LISTENER", null)]
    public void Spec_flags_map_to_seccomp2_bits(string name, uint? bit) => Assert.Equal(bit, SeccompFilterFlags.Parse(name));

    [Theory]
    [InlineData("SCMP_CMP_NE", 1)]
    [InlineData("SCMP_CMP_LT", 2)]
    [InlineData("SCMP_CMP_LE", 3)]
    [InlineData("SCMP_CMP_EQ", 4)]
    [InlineData("SCMP_CMP_GE", 5)]
    [InlineData("SCMP_CMP_GT", 6)]
    [InlineData("SCMP_CMP_MASKED_EQ", 7)]
    [InlineData("SCMP_CMP_LIKE", null)]
    public void Operators_are_enum_scmp_compare(string name, int? value) => Assert.Equal(value, SeccompOperators.Parse(name));
}
