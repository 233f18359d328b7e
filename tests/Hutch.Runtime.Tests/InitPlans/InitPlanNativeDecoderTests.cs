using Hutch.Linux.Interop;
using Hutch.Runtime.InitPlans;
using Hutch.Testing;
using System.Runtime.InteropServices;

namespace Hutch.Runtime.Tests.InitPlans;

/// <summary>
/// The C decoder (native/initplan.c) against the C# reference (InitPlanEncoding.Decode): the same
/// field types for every kind, the same ops for every golden plan, and the same verdict (accept
/// with the same op kinds, or refuse) for every truncation and for seeded random changes of every
/// golden plan. The C side is also fuzzed under ASan and UBSan (tests/native/fuzz).
/// </summary>
public class InitPlanNativeDecoderTests
{
    private const uint NoOp = 0xffffffff;

    /// <summary>The C decoder's answer: the op kinds, or null and -errno with the op it refused.</summary>
    private static unsafe (ushort[]? Kinds, long Error, uint ErrorIndex) Native(ReadOnlySpan<byte> bytes)
    {
        var kinds = new ushort[bytes.Length / 8 + 1];
        long result;
        uint errorIndex;
        fixed (byte* buffer = bytes)
        fixed (ushort* kindsOut = kinds)
        {
            result = Libc.hutch_plan_check(buffer, (nuint)bytes.Length, kindsOut, (uint)kinds.Length, out errorIndex);
        }
        if (result < 0)
        {
            return (null, result, errorIndex);
        }
        Assert.Equal(NoOp, errorIndex);
        return (kinds[..(int)result], 0, errorIndex);
    }

    /// <summary>The C# decoder's answer: the op kinds, or null when it throws FormatException.</summary>
    private static ushort[]? Managed(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return [.. InitPlanEncoding.Decode(bytes).Ops.Select(op => (ushort)op.Kind)];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Both decoders accept the bytes with the same op kinds (true), or both refuse them (false).</summary>
    private static bool AssertSameVerdict(byte[] bytes, string what)
    {
        var managed = Managed(bytes);
        var (native, error, index) = Native(bytes);
        if (managed is null)
        {
            Assert.True(native is null, $"{what}: C# refuses it, C accepts {native?.Length} ops");
            Assert.True(error is -74 or -93 or -95 or -75, $"{what}: C refused with {error}, not EBADMSG/EPROTONOSUPPORT/EOPNOTSUPP/EOVERFLOW");
            return false;
        }
        else
        {
            Assert.True(native is not null, $"{what}: C# accepts {managed.Length} ops, C refuses with {error} at op {index}");
            Assert.Equal(managed, native);
            return true;
        }
    }

    private static string? NativeFieldTypes(uint kind)
    {
        var types = Libc.hutch_plan_field_types(kind);
        return types == 0 ? null : Marshal.PtrToStringUTF8(types);
    }

    private static string ManagedFieldTypes(InitOpKind kind) => string.Concat(InitOpSchema.Fields(kind).Select(field => field.Type switch
    {
        PlanValueType.U32 => 'u',
        PlanValueType.U64 => 'q',
        PlanValueType.Str => 's',
        PlanValueType.StrList => 'S',
        PlanValueType.U64List => 'Q',
        _ => '?',
    }));

    private static IEnumerable<byte[]> GoldenEncodings() =>
        Directory.GetFiles(Path.Combine(Host.RepoRoot, "tests", "data", "configs"), "*.json").Order(StringComparer.Ordinal)
            .Select(file => InitPlanEncoding.Encode(InitPlanGoldenTests.PlanOf(Path.GetFileNameWithoutExtension(file))));

    [Fact]
    public void Every_kind_has_the_same_fields_in_C_and_CSharp()
    {
        for (uint code = 0; code <= 0xffff; code++)
        {
            var kind = (InitOpKind)code;
            if (Enum.IsDefined(kind))
            {
                Assert.Equal(ManagedFieldTypes(kind), NativeFieldTypes(code));
            }
            else
            {
                Assert.Null(NativeFieldTypes(code));
            }
        }
    }

    [Theory]
    [MemberData(nameof(InitPlanGoldenTests.Configs), MemberType = typeof(InitPlanGoldenTests))]
    public void A_golden_plan_decodes_to_the_same_ops_in_C(string name)
    {
        var plan = InitPlanGoldenTests.PlanOf(name);
        var (native, error, index) = Native(InitPlanEncoding.Encode(plan));

        Assert.True(native is not null, $"{name}: C refuses it with {error} at op {index}");
        Assert.Equal(plan.Ops.Select(op => (ushort)op.Kind), native);
    }

    /// <summary>One op of every kind, every field set, lists of two: what the golden plans lack
    /// (chroot, join-namespace, domainname...) decodes in C as well.</summary>
    [Fact]
    public void A_plan_with_every_kind_decodes_to_the_same_ops_in_C()
    {
        var ops = Enum.GetValues<InitOpKind>().Select(kind => new InitOp(kind, [.. InitOpSchema.Fields(kind).Select(field => field.Type switch
        {
            PlanValueType.U32 => (object)0xfffffff1u,
            PlanValueType.U64 => 0x1_0000_0002ul,
            PlanValueType.Str => "a/b",
            PlanValueType.StrList => new[] { "", "four" },
            PlanValueType.U64List => new ulong[] { 3, ulong.MaxValue },
            _ => throw new InvalidOperationException(field.Type.ToString()),
        })])).ToList();
        var bytes = InitPlanEncoding.Encode(new InitPlan(ops));

        var (native, error, index) = Native(bytes);

        Assert.True(native is not null, $"C refuses it with {error} at op {index}");
        Assert.Equal(ops.Select(op => (ushort)op.Kind), native);
    }

    /// <summary>Every length through the header and the first ops, then every third (each
    /// remainder modulo 4 in every stretch): the C# decoder's exceptions make every length of
    /// the 16 KiB plans slow, and InitPlanEncodingTests cuts one plan at every length.</summary>
    [Fact]
    public void Truncations_of_every_golden_plan_are_refused_by_both()
    {
        foreach (var bytes in GoldenEncodings())
        {
            for (var length = 0; length < bytes.Length; length += length < 256 ? 1 : 3)
            {
                Assert.False(AssertSameVerdict(bytes[..length], $"the first {length} of {bytes.Length} bytes"));
            }
            Assert.False(AssertSameVerdict(bytes[..^1], "all but the last byte"));
            Assert.False(AssertSameVerdict([.. bytes, 0, 0, 0, 0], "four bytes after the last op"));
        }
    }

    [Fact]
    public void The_header_checks_give_the_same_error_in_C()
    {
        var bytes = GoldenEncodings().First();

        var version = (byte[])bytes.Clone();
        version[4] = 2;
        Assert.Equal(-93, Native(version).Error); // EPROTONOSUPPORT

        var kind = (byte[])bytes.Clone();
        kind[16] = 0xff;
        kind[17] = 0x7f;
        Assert.Equal((-95L, 0u), (Native(kind).Error, Native(kind).ErrorIndex)); // EOPNOTSUPP at op 0

        Assert.Equal(-74, Native("HPLX"u8).Error); // EBADMSG
        Assert.Equal(-75, Native(bytes.AsSpan(0, 10)).Error); // EOVERFLOW
    }

    /// <summary>Seeded random changes of every golden plan (bytes set, bits flipped, a u32 set to
    /// a small or huge number, the tail cut or another plan's bytes spliced in): C and C# give the
    /// same verdict each time, and a changed plan that both accept has the same op kinds.</summary>
    [Fact]
    public void Random_changes_of_every_golden_plan_get_the_same_verdict_in_C_and_CSharp()
    {
        var seeds = GoldenEncodings().ToList();
        var random = new Random(14);
        var accepted = 0;
        for (var round = 0; round < 30000; round++)
        {
            var changed = (byte[])seeds[round % seeds.Count].Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                switch (random.Next(5))
                {
                    case 0:
                        changed[random.Next(changed.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        changed[random.Next(changed.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        var at = random.Next(changed.Length / 4) * 4;
                        var value = random.Next(2) == 0 ? (uint)random.Next(64) : (uint)random.NextInt64(0x1_0000_0000);
                        BitConverter.TryWriteBytes(changed.AsSpan(at), value);
                        break;
                    case 3:
                        changed = changed[..random.Next(changed.Length)];
                        break;
                    default:
                        var other = seeds[random.Next(seeds.Count)];
                        var from = random.Next(other.Length);
                        var cut = random.Next(changed.Length);
                        changed = [.. changed.AsSpan(0, cut), .. other.AsSpan(from)];
                        break;
                }
                if (changed.Length == 0)
                {
                    break;
                }
            }
            if (AssertSameVerdict(changed, $"round {round}"))
            {
                accepted++;
            }
        }
        // Changes inside strings and numbers keep a plan well-formed: both verdicts were exercised.
        Assert.InRange(accepted, 1, 29999);
    }
}
