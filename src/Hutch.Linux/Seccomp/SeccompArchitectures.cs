namespace Hutch.Linux.Seccomp;

/// <summary>The spec's SCMP_ARCH_* names and libseccomp's own names for them ("x86_64").</summary>
internal static class SeccompArchitectures
{
    private static readonly string[] Known =
    [
        "X86", "X86_64", "X32", "ARM", "AARCH64", "MIPS", "MIPS64", "MIPS64N32", "MIPSEL", "MIPSEL64", "MIPSEL64N32",
        "PPC", "PPC64", "PPC64LE", "S390", "S390X", "PARISC", "PARISC64", "RISCV64", "LOONGARCH64", "M68K", "SH", "SHEB",
    ];

    /// <summary>"x86_64" for "SCMP_ARCH_X86_64"; null when the name is not one of the spec's.</summary>
    public static string? LibseccompName(string specName)
    {
        const string prefix = "SCMP_ARCH_";
        if (!specName.StartsWith(prefix, StringComparison.Ordinal) || Array.IndexOf(Known, specName[prefix.Length..]) < 0)
        {
            return null;
        }
        return specName[prefix.Length..].ToLowerInvariant();
    }
}
