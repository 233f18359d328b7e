namespace Hutch.Runtime.InitPlans;

/// <summary>
/// What the container's init does, in order, every value decided (DESIGN.md section 3, step 2):
/// built by <see cref="InitPlanBuilder"/> from the validated config, written as text for people
/// and golden tests (<see cref="InitPlanText"/>) and as bytes for the executor
/// (<see cref="InitPlanEncoding"/>; docs/design/init-plan.md).
/// </summary>
internal sealed record InitPlan(IReadOnlyList<InitOp> Ops)
{
    /// <summary>The encoding's version; the decoder refuses any other.</summary>
    public const uint Version = 1;
}

/// <summary>
/// One op: its kind and one value per field of <see cref="InitOpSchema.Fields"/>, in order:
/// uint (U32), ulong (U64), string (Str), IReadOnlyList&lt;string&gt; (StrList),
/// IReadOnlyList&lt;ulong&gt; (U64List).
/// </summary>
internal sealed class InitOp
{
    public InitOp(InitOpKind kind, params object[] values)
    {
        var fields = InitOpSchema.Fields(kind);
        if (fields.Count != values.Length)
        {
            throw new ArgumentException($"{kind} has {fields.Count} fields, got {values.Length} values", nameof(values));
        }
        for (var i = 0; i < fields.Count; i++)
        {
            var ok = fields[i].Type switch
            {
                PlanValueType.U32 => values[i] is uint,
                PlanValueType.U64 => values[i] is ulong,
                PlanValueType.Str => values[i] is string,
                PlanValueType.StrList => values[i] is IReadOnlyList<string>,
                PlanValueType.U64List => values[i] is IReadOnlyList<ulong>,
                _ => false,
            };
            if (!ok)
            {
                throw new ArgumentException($"{kind}.{fields[i].Name} is {fields[i].Type}, got {values[i]?.GetType().Name ?? "null"}", nameof(values));
            }
        }
        Kind = kind;
        Values = values;
    }

    public InitOpKind Kind { get; }

    public IReadOnlyList<object> Values { get; }

    public object this[string field]
    {
        get
        {
            var fields = InitOpSchema.Fields(Kind);
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].Name == field)
                {
                    return Values[i];
                }
            }
            throw new KeyNotFoundException($"{Kind} has no field {field}");
        }
    }

    internal static uint Bool(bool value) => value ? 1u : 0u;
}
