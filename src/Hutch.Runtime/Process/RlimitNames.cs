namespace Hutch.Runtime.Processes;

/// <summary>RLIMIT_* names and their resource numbers (asm-generic: the same on x86-64 and arm64).</summary>
internal static class RlimitNames
{
    private static readonly string[] ByNumber =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>The resource number of "RLIMIT_NOFILE" (7); null when unknown.</summary>
    public static int? Resource(string name)
    {
        var index = Array.IndexOf(ByNumber, name);
        return index < 0 ? null : index;
    }

    public static string Name(int resource) => resource >= 0 && resource < ByNumber.Length ? ByNumber[resource] : $"RLIMIT_{resource}";
}
