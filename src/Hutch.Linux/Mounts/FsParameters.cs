namespace Hutch.Linux.Mounts;

/// <summary>
/// A new filesystem's mount(2) arguments as fsconfig(2) parameters, for a filesystem made with
/// fsopen/fsmount: the source, the superblock flags among the MS_* flags, and the data string
/// split as the kernel splits it for mount(2). Pure: no syscalls.
/// </summary>
internal static class FsParameters
{
    // The MS_* flags that belong to the superblock and their fsconfig flag names (the kernel's
    // common superblock parameters). The per-mount ones (nosuid, noexec, atime ...) go to fsmount.
    private static readonly (MountFlags Flag, string Key)[] SuperblockFlags =
    [
        (MountFlags.ReadOnly, "ro"),
        (MountFlags.Synchronous, "sync"),
        (MountFlags.DirSync, "dirsync"),
        (MountFlags.LazyTime, "lazytime"),
        (MountFlags.MandLock, "mand"),
    ];

    /// <summary>
    /// The fsconfig parameters for mount(<paramref name="source"/>, ..., <paramref name="flags"/>,
    /// <paramref name="data"/>): "source", the superblock flags, then each data option in order
    /// (key=value: a string; a bare key: a flag). MS_SILENT and MS_I_VERSION have no parameter
    /// (the first only quiets the kernel log; tmpfs always keeps i_version).
    /// </summary>
    public static List<(string Key, string? Value)> For(string source, MountFlags flags, string data)
    {
        var parameters = new List<(string Key, string? Value)> { ("source", source) };
        foreach (var (flag, key) in SuperblockFlags)
        {
            if ((flags & flag) != 0)
            {
                parameters.Add((key, null));
            }
        }
        foreach (var option in SplitData(data))
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            parameters.Add(equals < 0 ? (option, null) : (option[..equals], option[(equals + 1)..]));
        }
        return parameters;
    }

    /// <summary>
    /// Splits a data string at its commas the way tmpfs does for mount(2): a piece that starts
    /// with a digit continues the previous option (mpol=bind:0-3,5 is one option).
    /// </summary>
    public static List<string> SplitData(string data)
    {
        var options = new List<string>();
        foreach (var piece in data.Split(','))
        {
            if (options.Count > 0 && piece.Length > 0 && char.IsAsciiDigit(piece[0]))
            {
                options[^1] += "," + piece;
            }
            else if (piece.Length > 0)
            {
                options.Add(piece);
            }
        }
        return options;
    }

    /// <summary>Whether the data string sets <paramref name="key"/> (e.g. "mode", "uid").</summary>
    public static bool Sets(string data, string key) =>
        SplitData(data).Any(o => o.StartsWith(key + "=", StringComparison.Ordinal));
}
