using System.Buffers.Binary;
using System.Text;

namespace Hutch.Runtime.InitPlans;

/// <summary>
/// The plan's bytes (docs/design/init-plan.md, "Encoding"): a 16-byte header (magic "HPLN",
/// version, op count, 0), then each op as {u16 kind, u16 field count, u32 size of its fields},
/// then its fields in <see cref="InitOpSchema"/> order, little-endian, every item 4-byte aligned.
/// Strings are a u32 length, the bytes, a NUL, zero padding. <see cref="Decode"/> is what the C
/// decoder must do; it checks every length against the buffer and refuses unknown kinds,
/// versions and field counts.
/// </summary>
internal static class InitPlanEncoding
{
    public const uint Magic = 0x4E4C5048; // "HPLN" read as a little-endian u32

    public static byte[] Encode(InitPlan plan)
    {
        var output = new List<byte>(4096);
        PutU32(output, Magic);
        PutU32(output, InitPlan.Version);
        PutU32(output, (uint)plan.Ops.Count);
        PutU32(output, 0);
        foreach (var op in plan.Ops)
        {
            var fields = InitOpSchema.Fields(op.Kind);
            var body = new List<byte>();
            for (var i = 0; i < fields.Count; i++)
            {
                switch (op.Values[i])
                {
                    case uint u: PutU32(body, u); break;
                    case ulong u: PutU64(body, u); break;
                    case string s: PutString(body, s); break;
                    case IReadOnlyList<string> list:
                        PutU32(body, (uint)list.Count);
                        foreach (var s in list)
                        {
                            PutString(body, s);
                        }
                        break;
                    case IReadOnlyList<ulong> numbers:
                        PutU32(body, (uint)numbers.Count);
                        foreach (var n in numbers)
                        {
                            PutU64(body, n);
                        }
                        break;
                }
            }
            PutU32(output, (uint)op.Kind | ((uint)fields.Count << 16));
            PutU32(output, (uint)body.Count);
            output.AddRange(body);
        }
        return [.. output];
    }

    /// <summary>The plan in <paramref name="bytes"/>; <see cref="FormatException"/> naming the op
    /// index and field when they are not a well-formed plan of this version.</summary>
    public static InitPlan Decode(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        if (U32(bytes, ref at, "header") != Magic)
        {
            throw new FormatException("not an init plan (magic)");
        }
        var version = U32(bytes, ref at, "header");
        if (version != InitPlan.Version)
        {
            throw new FormatException($"init plan version {version}, this hutch reads {InitPlan.Version}");
        }
        var count = U32(bytes, ref at, "header");
        U32(bytes, ref at, "header");
        var ops = new List<InitOp>();
        for (var index = 0; index < count; index++)
        {
            var where = $"op {index}";
            if (bytes.Length - at < 8)
            {
                throw new FormatException($"{where}: truncated header");
            }
            var kind = (InitOpKind)BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
            int fieldCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 2)..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            at += 8;
            if (!Enum.IsDefined(kind))
            {
                throw new FormatException($"{where}: unknown kind {(ushort)kind}");
            }
            var fields = InitOpSchema.Fields(kind);
            if (fieldCount != fields.Count || size > bytes.Length - at || size % 4 != 0)
            {
                throw new FormatException($"{where} ({kind}): {fieldCount} fields of {size} bytes do not fit");
            }
            var body = bytes.Slice(at, (int)size);
            var bodyAt = 0;
            var values = new object[fields.Count];
            for (var i = 0; i < fields.Count; i++)
            {
                var fieldWhere = $"{where} ({kind}).{fields[i].Name}";
                values[i] = fields[i].Type switch
                {
                    PlanValueType.U32 => U32(body, ref bodyAt, fieldWhere),
                    PlanValueType.U64 => U64(body, ref bodyAt, fieldWhere),
                    PlanValueType.Str => String(body, ref bodyAt, fieldWhere),
                    PlanValueType.StrList => StringList(body, ref bodyAt, fieldWhere),
                    PlanValueType.U64List => U64List(body, ref bodyAt, fieldWhere),
                    _ => throw new FormatException(fieldWhere),
                };
            }
            if (bodyAt != body.Length)
            {
                throw new FormatException($"{where} ({kind}): {body.Length - bodyAt} bytes left after its fields");
            }
            at += (int)size;
            ops.Add(new InitOp(kind, values));
        }
        if (at != bytes.Length)
        {
            throw new FormatException($"{bytes.Length - at} bytes after the last op");
        }
        return new InitPlan(ops);
    }

    private static void PutU32(List<byte> output, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        output.AddRange(bytes.ToArray());
    }

    private static void PutU64(List<byte> output, ulong value)
    {
        PutU32(output, (uint)value);
        PutU32(output, (uint)(value >> 32));
    }

    private static void PutString(List<byte> output, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        PutU32(output, (uint)utf8.Length);
        output.AddRange(utf8);
        output.Add(0);
        while (output.Count % 4 != 0)
        {
            output.Add(0);
        }
    }

    private static uint U32(ReadOnlySpan<byte> bytes, ref int at, string where)
    {
        if (bytes.Length - at < 4)
        {
            throw new FormatException($"{where}: truncated");
        }
        var value = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
        at += 4;
        return value;
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, ref int at, string where)
    {
        var low = U32(bytes, ref at, where);
        return low | ((ulong)U32(bytes, ref at, where) << 32);
    }

    private static string String(ReadOnlySpan<byte> bytes, ref int at, string where)
    {
        var length = U32(bytes, ref at, where);
        var padded = (length + 1 + 3) & ~3u;
        if (padded > bytes.Length - at || length >= padded)
        {
            throw new FormatException($"{where}: a string of {length} bytes does not fit");
        }
        var text = bytes.Slice(at, (int)length);
        if (text.Contains((byte)0) || bytes[at + (int)length] != 0)
        {
            throw new FormatException($"{where}: a string holds or lacks its NUL");
        }
        at += (int)padded;
        return Encoding.UTF8.GetString(text);
    }

    private static string[] StringList(ReadOnlySpan<byte> bytes, ref int at, string where)
    {
        var count = U32(bytes, ref at, where);
        if (count > (bytes.Length - at) / 8)
        {
            throw new FormatException($"{where}: {count} strings do not fit");
        }
        var list = new string[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = String(bytes, ref at, where);
        }
        return list;
    }

    private static ulong[] U64List(ReadOnlySpan<byte> bytes, ref int at, string where)
    {
        var count = U32(bytes, ref at, where);
        if (count > (bytes.Length - at) / 8)
        {
            throw new FormatException($"{where}: {count} numbers do not fit");
        }
        var list = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = U64(bytes, ref at, where);
        }
        return list;
    }
}
