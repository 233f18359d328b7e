namespace Hutch.Linux.Seccomp;

/// <summary>SCMP_CMP_* names and enum scmp_compare (seccomp.h).</summary>
internal static class SeccompOperators
{
    public const int NotEqual = 1, LessThan = 2, LessOrEqual = 3, Equal = 4, GreaterOrEqual = 5, GreaterThan = 6, MaskedEqual = 7;

    /// <summary>The enum value of <paramref name="name"/>, or null when unknown.</summary>
    public static int? Parse(string name) => name switch
    {
        "SCMP_CMP_NE" => NotEqual,
        "SCMP_CMP_LT" => LessThan,
        "SCMP_CMP_LE" => LessOrEqual,
        "SCMP_CMP_EQ" => Equal,
        "SCMP_CMP_GE" => GreaterOrEqual,
        "SCMP_CMP_GT" => GreaterThan,
        "SCMP_CMP_MASKED_EQ" => MaskedEqual,
        _ => null,
    };
}
