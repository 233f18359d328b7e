namespace Hutch.Linux.Cgroups;

/// <summary>Device access bits, with the values of the kernel's BPF_DEVCG_ACC_* (uapi/linux/bpf.h).</summary>
[Flags]
internal enum DeviceAccess
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = Mknod | Read | Write,
}

/// <summary>Device kinds of a device cgroup rule; 'a' (All) resets the whole list as the kernel's v1 controller does.</summary>
internal enum DeviceKind
{
    All,
    Char,
    Block,
}

/// <summary>
/// One device cgroup rule, as config-linux.md's linux.resources.devices gives it: a kind, a major and
/// minor (-1: any), the access letters and whether it allows or denies.
/// </summary>
internal readonly record struct DeviceFilterRule(bool Allow, DeviceKind Kind, long Major, long Minor, DeviceAccess Access)
{
    /// <summary>The wildcard of a major or minor number.</summary>
    public const long Any = -1;

    /// <summary>Parses "rwm" letters; null when a letter is not r, w or m.</summary>
    public static DeviceAccess? ParseAccess(string letters)
    {
        var access = DeviceAccess.None;
        foreach (var c in letters)
        {
            access |= c switch
            {
                'r' => DeviceAccess.Read,
                'w' => DeviceAccess.Write,
                'm' => DeviceAccess.Mknod,
                _ => (DeviceAccess)(-1),
            };
            if ((int)access < 0)
            {
                return null;
            }
        }
        return access;
    }

    /// <summary>The rule as the v1 devices.allow / devices.deny files take it: "c 1:3 rwm", "b *:* m", "a".</summary>
    public string ToV1String()
    {
        if (Kind == DeviceKind.All)
        {
            return "a";
        }
        var kind = Kind == DeviceKind.Char ? 'c' : 'b';
        return $"{kind} {Number(Major)}:{Number(Minor)} {AccessLetters(Access)}";
    }

    public override string ToString() => $"{(Allow ? "allow" : "deny")} {ToV1String()}";

    /// <summary>"rwm" order, as devices.list prints it.</summary>
    public static string AccessLetters(DeviceAccess access) =>
        string.Concat(
            (access & DeviceAccess.Read) != 0 ? "r" : "",
            (access & DeviceAccess.Write) != 0 ? "w" : "",
            (access & DeviceAccess.Mknod) != 0 ? "m" : "");

    private static string Number(long n) =>
        n == Any ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
