using System.Buffers.Binary;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// Our encoder of a BPF_PROG_TYPE_CGROUP_DEVICE program for a <see cref="DeviceFilterRuleSet"/>: cgroup v2
/// has no devices.allow file; the kernel asks an attached eBPF program instead. The program sees
/// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } in R1, where access_type is
/// (BPF_DEVCG_ACC_* &lt;&lt; 16) | BPF_DEVCG_DEV_*, and returns 1 to allow, 0 to deny (EPERM).
/// Layout: load the four fields into R2..R5, then one block per exception (first match wins:
/// exceptions all carry the same verdict), then the default verdict.
/// </summary>
internal static class DeviceFilterProgram
{
    /// <summary>bpf_cgroup_dev_ctx type values.</summary>
    public const int DevBlock = 1, DevChar = 2;

    // Instruction classes and fields (uapi/linux/bpf_common.h, bpf.h).
    private const byte ClassLdx = 0x01, ClassAlu = 0x04, ClassJmp = 0x05, ClassJmp32 = 0x06;
    private const byte SizeW = 0x00, ModeMem = 0x60;
    private const byte SrcK = 0x00, SrcX = 0x08;
    private const byte AluAnd = 0x50, AluRsh = 0x70, AluMov = 0xb0;
    private const byte JmpJeq = 0x10, JmpJne = 0x50, JmpExit = 0x90;

    // Registers: R0 result, R1 context (then scratch), R2 type, R3 access, R4 major, R5 minor.
    private const byte R0 = 0, R1 = 1, RType = 2, RAccess = 3, RMajor = 4, RMinor = 5;

    /// <summary>Size of one struct bpf_insn.</summary>
    public const int InstructionSize = 8;

    /// <summary>The program as the kernel takes it (BPF_PROG_LOAD insns): 8 bytes per instruction, little-endian.</summary>
    public static byte[] Encode(DeviceFilterRuleSet rules)
    {
        var program = new List<Instruction>
        {
            LoadWord(RType, R1, 0),
            AluImm(AluAnd, RType, 0xFFFF),
            LoadWord(RAccess, R1, 0),
            AluImm(AluRsh, RAccess, 16),
            LoadWord(RMajor, R1, 4),
            LoadWord(RMinor, R1, 8),
        };
        foreach (var rule in rules.Exceptions)
        {
            AppendBlock(program, rule);
        }
        program.Add(AluImm(AluMov, R0, rules.DefaultAllow ? 1 : 0));
        program.Add(Exit());

        var bytes = new byte[program.Count * InstructionSize];
        for (var i = 0; i < program.Count; i++)
        {
            program[i].WriteTo(bytes.AsSpan(i * InstructionSize, InstructionSize));
        }
        return bytes;
    }

    /// <summary>Encodes the filter for a list of rules applied in order (starting from deny-all).</summary>
    public static byte[] Encode(IEnumerable<DeviceFilterRule> rules) => Encode(DeviceFilterRuleSet.Build(rules));

    private static void AppendBlock(List<Instruction> program, DeviceFilterRule rule)
    {
        // Every test jumps over the rest of this block when it does not match: collect them, then
        // patch their offsets once the block's length is known.
        var block = new List<Instruction>();
        var jumps = new List<int>();

        jumps.Add(block.Count);
        block.Add(Jump32Imm(JmpJne, RType, rule.Kind == DeviceKind.Block ? DevBlock : DevChar));

        var access = rule.Access & DeviceAccess.All;
        if (rule.Allow && access != DeviceAccess.All)
        {
            // An allow exception must cover every requested bit: skip when (access & ~granted) != 0.
            block.Add(MovReg32(R1, RAccess));
            block.Add(AluImm(AluAnd, R1, (int)(~access & DeviceAccess.All)));
            jumps.Add(block.Count);
            block.Add(Jump32Imm(JmpJne, R1, 0));
        }
        else if (!rule.Allow && access != DeviceAccess.All)
        {
            // A deny exception hits when any requested bit is denied: skip when (access & denied) == 0.
            block.Add(MovReg32(R1, RAccess));
            block.Add(AluImm(AluAnd, R1, (int)access));
            jumps.Add(block.Count);
            block.Add(Jump32Imm(JmpJeq, R1, 0));
        }
        if (rule.Major != DeviceFilterRule.Any)
        {
            jumps.Add(block.Count);
            block.Add(Jump32Imm(JmpJne, RMajor, unchecked((int)(uint)rule.Major)));
        }
        if (rule.Minor != DeviceFilterRule.Any)
        {
            jumps.Add(block.Count);
            block.Add(Jump32Imm(JmpJne, RMinor, unchecked((int)(uint)rule.Minor)));
        }
        block.Add(AluImm(AluMov, R0, rule.Allow ? 1 : 0));
        block.Add(Exit());

        foreach (var at in jumps)
        {
            // The offset counts from the next instruction to the first one after this block.
            block[at] = block[at] with { Offset = checked((short)(block.Count - at - 1)) };
        }
        program.AddRange(block);
    }

    private static Instruction LoadWord(byte dst, byte src, short offset) =>
        new((byte)(ClassLdx | ModeMem | SizeW), dst, src, offset, 0);

    private static Instruction AluImm(byte op, byte dst, int imm) => new((byte)(ClassAlu | op | SrcK), dst, 0, 0, imm);

    private static Instruction MovReg32(byte dst, byte src) => new((byte)(ClassAlu | AluMov | SrcX), dst, src, 0, 0);

    // 32-bit compares (BPF_JMP32, Linux 5.1+): the fields are u32, so an immediate above 2^31 still matches.
    private static Instruction Jump32Imm(byte op, byte dst, int imm) => new((byte)(ClassJmp32 | op | SrcK), dst, 0, 0, imm);

    private static Instruction Exit() => new((byte)(ClassJmp | JmpExit), 0, 0, 0, 0);

    /// <summary>struct bpf_insn: u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm.</summary>
    private readonly record struct Instruction(byte Code, byte Dst, byte Src, short Offset, int Imm)
    {
        public void WriteTo(Span<byte> target)
        {
            target[0] = Code;
            // Bit-fields on little-endian targets: dst_reg in the low nibble.
            target[1] = BitConverter.IsLittleEndian ? (byte)(Dst | (Src << 4)) : (byte)((Dst << 4) | Src);
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.WriteInt16LittleEndian(target[2..], Offset);
                BinaryPrimitives.WriteInt32LittleEndian(target[4..], Imm);
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(target[2..], Offset);
                BinaryPrimitives.WriteInt32BigEndian(target[4..], Imm);
            }
        }
    }
}
