using System.Globalization;

namespace Hutch.Runtime.Signals;

/// <summary>
/// Signal names and numbers for `kill` (and `run`'s forwarding), Linux x86-64 and arm64
/// numbering (the two agree). Accepted, like runc and more:
/// <list type="bullet">
/// <item>names with or without "SIG", any case: TERM, SIGTERM, sigkill, Usr1;</item>
/// <item>the aliases IOT (ABRT), CLD (CHLD), POLL (IO);</item>
/// <item>real-time signals as RTMIN, RTMIN+n, RTMAX-n, RTMAX, numbered as glibc, bash and
/// Docker number them (RTMIN is 34: glibc keeps 32 and 33 for itself; runc knows no
/// RT names, but clients such as Docker send these signals as numbers anyway);</item>
/// <item>numbers 0 to 64 (0 sends nothing but checks the process exists, as kill(2)).</item>
/// </list>
/// </summary>
internal static class SignalNames
{
    /// <summary>The highest signal number (_NSIG - 1 on x86-64 and arm64).</summary>
    public const int Max = 64;

    /// <summary>SIGRTMIN as glibc reports it (the kernel's 32 and 33 are glibc's own).</summary>
    public const int RtMin = 34;

    /// <summary>SIGRTMAX.</summary>
    public const int RtMax = Max;

    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12,
        SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGWINCH = 28;

    // Index = number; the canonical name without "SIG".
    private static readonly string[] Standard =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    private static readonly Dictionary<string, int> Aliases = new(StringComparer.Ordinal)
    {
        ["IOT"] = 6,
        ["CLD"] = 17,
        ["POLL"] = 29,
    };

    private const string Accepted =
        "give a signal name with or without SIG in any case (TERM, SIGKILL, hup), RTMIN, RTMIN+n, RTMAX-n, RTMAX, or a number from 0 to 64";

    /// <summary>
    /// The signal number of <paramref name="text"/>; throws <see cref="FormatException"/>
    /// saying what is accepted.
    /// </summary>
    public static int Parse(string text) =>
        TryParse(text, out var signal, out var error) ? signal : throw new FormatException(error);

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse(string? text, out int signal) => TryParse(text, out signal, out _);

    /// <summary>
    /// The name of <paramref name="signal"/> with "SIG" ("SIGKILL", "SIGRTMIN+2", "SIGRTMAX-1"),
    /// or its decimal number for the ones without a name (0, 32, 33), so that
    /// <c>Parse(ToName(n)) == n</c> for every n from 0 to 64.
    /// </summary>
    public static string ToName(int signal)
    {
        if (signal is < 0 or > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(signal), signal, "Linux signals are 0 to 64");
        }
        if (signal > 0 && signal < Standard.Length)
        {
            return "SIG" + Standard[signal];
        }
        if (signal < RtMin)
        {
            return signal.ToString(CultureInfo.InvariantCulture);
        }
        // As bash's `kill -l`: the lower half counts up from RTMIN, the upper half down from RTMAX.
        var fromMin = signal - RtMin;
        var fromMax = RtMax - signal;
        return fromMin == 0 ? "SIGRTMIN"
            : fromMax == 0 ? "SIGRTMAX"
            : fromMin <= fromMax + 1 ? $"SIGRTMIN+{fromMin.ToString(CultureInfo.InvariantCulture)}"
            : $"SIGRTMAX-{fromMax.ToString(CultureInfo.InvariantCulture)}";
    }

    private static bool TryParse(string? text, out int signal, out string error)
    {
        signal = -1;
        if (string.IsNullOrEmpty(text))
        {
            error = "no signal given: " + Accepted;
            return false;
        }
        if (char.IsAsciiDigit(text[0]))
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= Max)
            {
                signal = number;
                error = "";
                return true;
            }
            error = $"invalid signal \"{text}\": Linux signal numbers are 0 to 64";
            return false;
        }

        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }
        var index = Array.IndexOf(Standard, name, 1);
        if (index > 0)
        {
            signal = index;
        }
        else if (Aliases.TryGetValue(name, out var alias))
        {
            signal = alias;
        }
        else if (TryParseRealTime(name) is { } rt)
        {
            signal = rt;
        }
        if (signal > 0)
        {
            error = "";
            return true;
        }
        error = $"unknown signal \"{text}\": {Accepted}";
        return false;
    }

    /// <summary>RTMIN, RTMAX, RTMIN+n, RTMAX-n (n within the real-time range).</summary>
    private static int? TryParseRealTime(string name)
    {
        int baseNumber, sign;
        if (name.StartsWith("RTMIN", StringComparison.Ordinal))
        {
            (baseNumber, sign) = (RtMin, 1);
        }
        else if (name.StartsWith("RTMAX", StringComparison.Ordinal))
        {
            (baseNumber, sign) = (RtMax, -1);
        }
        else
        {
            return null;
        }
        var rest = name.AsSpan(5);
        if (rest.IsEmpty)
        {
            return baseNumber;
        }
        if (rest[0] != (sign > 0 ? '+' : '-') || rest.Length == 1
            || !int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return null;
        }
        var number = baseNumber + (sign * offset);
        return number is >= RtMin and <= RtMax ? number : null;
    }
}
