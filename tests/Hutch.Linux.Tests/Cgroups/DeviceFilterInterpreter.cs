using System.Buffers.Binary;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>
/// A tiny interpreter for the instructions the device filter encoder emits, so tests can ask the
/// encoded program (not our intent) what it decides for a device, and compare with the v1 semantics.
/// </summary>
internal static class DeviceFilterInterpreter
{
    public static int Run(byte[] program, uint accessType, uint major, uint minor)
    {
        var ctx = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx, accessType);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(4), major);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(8), minor);
        var r = new ulong[11];
        var pc = 0;
        for (var steps = 0; steps < 10_000; steps++)
        {
            var at = pc * 8;
            Assert.InRange(at, 0, program.Length - 8);
            var code = program[at];
            var dst = program[at + 1] & 0xF;
            var src = program[at + 1] >> 4;
            var off = BinaryPrimitives.ReadInt16LittleEndian(program.AsSpan(at + 2));
            var imm = BinaryPrimitives.ReadInt32LittleEndian(program.AsSpan(at + 4));
            pc++;
            switch (code)
            {
                case 0x61: // ldxw dst, [src+off]; src is always the context here
                    Assert.Equal(1, src);
                    r[dst] = BinaryPrimitives.ReadUInt32LittleEndian(ctx.AsSpan(off));
                    break;
                case 0x54: r[dst] = (uint)r[dst] & (uint)imm; break;           // and32 imm
                case 0x74: r[dst] = (uint)r[dst] >> imm; break;                // rsh32 imm
                case 0xb4: r[dst] = (uint)imm; break;                          // mov32 imm
                case 0xbc: r[dst] = (uint)r[src]; break;                       // mov32 reg
                case 0x56: if ((uint)r[dst] != (uint)imm) { pc += off; } break; // jne32 imm
                case 0x16: if ((uint)r[dst] == (uint)imm) { pc += off; } break; // jeq32 imm
                case 0x95: return (int)r[0];                                    // exit
                default: Assert.Fail($"unexpected opcode 0x{code:x2} at {pc - 1}"); break;
            }
        }
        Assert.Fail("program did not exit");
        return -1;
    }
}
