using System.Globalization;

namespace Hutch.Linux.Namespaces;

/// <summary>
/// The uid map of the user namespace a process runs in, as /proc/PID/uid_map shows it from
/// inside (inside-id, parent-id, count per line): whether it is the initial namespace and
/// whether its ids include the parent's root (the host's, for a namespace made from the host).
/// </summary>
internal sealed class UserNamespaceIds
{
    private UserNamespaceIds(IReadOnlyList<IdMapEntry> uidMap) => UidMap = uidMap;

    /// <summary>The lines of the map (ContainerId: inside, HostId: in the parent namespace).</summary>
    public IReadOnlyList<IdMapEntry> UidMap { get; }

    /// <summary>The initial user namespace maps every id to itself in one line ("0 0 4294967295").</summary>
    public bool IsInitial => UidMap is [{ ContainerId: 0, HostId: 0, Size: uint.MaxValue }];

    /// <summary>Some id in this namespace is the parent's root (always true in the initial namespace).</summary>
    public bool MapsParentRoot => UidMap.Any(entry => entry.HostId == 0 && entry.Size > 0);

    /// <summary>
    /// The id in the parent namespace that <paramref name="id"/> of this one maps to; null when
    /// unmapped. Rootless podman runs the runtime as root of a namespace whose 0 is the user.
    /// </summary>
    public uint? ToParent(uint id)
    {
        foreach (var entry in UidMap)
        {
            if (id >= entry.ContainerId && id - entry.ContainerId < entry.Size)
            {
                return entry.HostId + (id - entry.ContainerId);
            }
        }
        return null;
    }

    /// <summary>This process's namespace; an unreadable map (no /proc) counts as the initial one.</summary>
    public static UserNamespaceIds OfSelf() =>
        Read("/proc/self/uid_map") ?? new UserNamespaceIds([new IdMapEntry(0, 0, uint.MaxValue)]);

    /// <summary>
    /// The map in <paramref name="path"/> (/proc/PID/uid_map, or gid_map: the same format, and
    /// <see cref="ToParent"/> maps group ids through it alike); null when it cannot be read.
    /// </summary>
    public static UserNamespaceIds? Read(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses a uid_map text; lines that are not three numbers are skipped.</summary>
    public static UserNamespaceIds Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<IdMapEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 3
                && uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var inside)
                && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var outside)
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                entries.Add(new IdMapEntry(inside, outside, count));
            }
        }
        return new UserNamespaceIds(entries);
    }
}
