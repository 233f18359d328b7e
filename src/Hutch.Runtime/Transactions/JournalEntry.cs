using System.Text.Json.Serialization;
using Hutch.Linux.Cgroups;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// One line of a create's journal (<see cref="CreateJournal"/>): a side effect the create is about
/// to have, written (and synced) before it has it. Each kind of entry becomes one undo step
/// (<see cref="UndoStack"/>), whether the create fails in-process or dies and `delete` replays it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(BeginEntry), "begin")]
[JsonDerivedType(typeof(CgroupIntentEntry), "cgroup-intent")]
[JsonDerivedType(typeof(CgroupMadeEntry), "cgroup")]
[JsonDerivedType(typeof(SystemdUnitEntry), "systemd-unit")]
[JsonDerivedType(typeof(SystemdUnitStartedEntry), "systemd-unit-started")]
[JsonDerivedType(typeof(InitEntry), "init")]
[JsonDerivedType(typeof(NetnsPinEntry), "netns-pin")]
[JsonDerivedType(typeof(NetnsEntry), "netns")]
[JsonDerivedType(typeof(DeviceEntry), "device")]
internal abstract class JournalEntry;

/// <summary>First: what `list` and `state` show of a container whose create never committed.</summary>
internal sealed class BeginEntry : JournalEntry
{
    public required string Id { get; init; }

    public required string Bundle { get; init; }

    public required string Rootfs { get; init; }

    public DateTimeOffset Created { get; init; }

    public string? Owner { get; init; }

    public bool OwnsPidNamespace { get; init; }
}

/// <summary>Before the cgroup is made: its directory in each hierarchy, and those that do not exist yet.</summary>
internal sealed class CgroupIntentEntry : JournalEntry
{
    public required Dictionary<string, string> Directories { get; init; }

    public required List<string> Missing { get; init; }

    /// <summary>The intent for the cgroup at <paramref name="path"/> (below the root of each hierarchy), as the host is now.</summary>
    public static CgroupIntentEntry For(CgroupLayout layout, string path)
    {
        var directories = Cgroup.DirectoriesFor(layout, path);
        return new CgroupIntentEntry { Directories = directories, Missing = Cgroup.Missing(layout, directories) };
    }
}

/// <summary>After the cgroup is made: exactly the directories made (it supersedes the intent).</summary>
internal sealed class CgroupMadeEntry : JournalEntry
{
    public required Dictionary<string, string> Directories { get; init; }

    public required List<string> Made { get; init; }
}

/// <summary>
/// Under --systemd-cgroup, before the init is spawned: the transient unit that will hold it
/// (started once the init exists), and its cgroup's intent: its directory in each hierarchy and
/// those that did not exist yet (systemd makes some, hutch the others).
/// </summary>
internal sealed class SystemdUnitEntry : JournalEntry
{
    public required string Unit { get; init; }

    public bool UserManager { get; init; }

    /// <summary>The unit's cgroup: undone as a cgroupfs create's once the unit is stopped.</summary>
    public required CgroupIntentEntry CgroupIntent { get; init; }
}

/// <summary>
/// After systemd started the unit (StartTransientUnit's job done): only then does the undo stop
/// it. A unit of that name that was not this create's (a live one, so the start failed) is never
/// stopped; and a create killed before this entry needs no stop: its init dies with it and
/// systemd collects the empty scope.
/// </summary>
internal sealed class SystemdUnitStartedEntry : JournalEntry;

/// <summary>The init, as soon as it exists: pid and start time (/proc/PID/stat field 22), so a reused pid is never killed.</summary>
internal sealed class InitEntry : JournalEntry
{
    public int Pid { get; init; }

    public ulong StartTime { get; init; }
}

/// <summary>Before the network namespace hutch made is bind-mounted on <see cref="Path"/> (a file in the state directory).</summary>
internal sealed class NetnsPinEntry : JournalEntry
{
    public required string Path { get; init; }
}

/// <summary>
/// Before the first device moves: the namespace file the devices go into (the pin, or the
/// config's namespace path) and its identity (nsfs device and inode), checked before any use.
/// </summary>
internal sealed class NetnsEntry : JournalEntry
{
    public required string Path { get; init; }

    public ulong Device { get; init; }

    public ulong Inode { get; init; }
}

/// <summary>Before one device moves: all it takes to put it back (NetDeviceMover.Resume).</summary>
internal sealed class DeviceEntry : JournalEntry
{
    /// <summary>Its name in the runtime's namespace (the linux.netDevices key).</summary>
    public required string HostName { get; init; }

    public required string RequestedName { get; init; }

    /// <summary>Its ifindex in the runtime's namespace before the move.</summary>
    public int Index { get; init; }

    /// <summary>The ifindex the move gives it in the container's namespace.</summary>
    public int ContainerIndex { get; init; }

    /// <summary>MAC (hex, no separators); null for a device without one.</summary>
    public string? Mac { get; init; }

    public uint Mtu { get; init; }

    /// <summary>Its IFF_* flags before the move (up or down).</summary>
    public uint Flags { get; init; }

    public required List<JournalAddress> Addresses { get; init; }
}

/// <summary>One address of a moved device, as the kernel listed it before the move.</summary>
internal sealed class JournalAddress
{
    public byte Family { get; init; }

    public byte PrefixLength { get; init; }

    public uint Flags { get; init; }

    public byte Scope { get; init; }

    public string? Local { get; init; }

    public string? Address { get; init; }

    public string? Broadcast { get; init; }

    public string? Label { get; init; }

    public uint ValidLifetime { get; init; }

    public uint PreferredLifetime { get; init; }
}
