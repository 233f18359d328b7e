using Hutch.Linux.Cgroups;
using System.Globalization;
using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Spawn;

/// <summary>
/// What a spawned child does between clone and execve, decided here in C# and executed by
/// native hutch_spawn: create <see cref="NewNamespaces"/> (clone flags), join
/// <see cref="JoinNamespaces"/> (in <see cref="NamespaceKinds.JoinOrder"/>: user first, mount
/// last), pass <see cref="Fds"/>, close every other fd above 2, wait for one byte on
/// <see cref="SyncFd"/>, become root of the user namespace (<see cref="BecomeRoot"/>), then execve <see cref="Path"/> (or execveat <see cref="ExecFd"/>).
/// The plan does not own the fds it names; they must stay open until Spawn returns.
/// </summary>
internal sealed class SpawnPlan
{
    /// <summary>The program; with <see cref="ExecFd"/> set, only its name in errors.</summary>
    public required string Path { get; init; }

    /// <summary>argv, argv[0] included; empty means [Path].</summary>
    public IReadOnlyList<string> Argv { get; init; } = [];

    /// <summary>The environment as "NAME=value" entries (nothing is inherited).</summary>
    public IReadOnlyList<string> Envp { get; init; } = [];

    public IReadOnlyCollection<NamespaceKind> NewNamespaces { get; init; } = [];

    public IReadOnlyList<NamespaceJoin> JoinNamespaces { get; init; } = [];

    /// <summary>
    /// The child's end of a sync channel: it reads one byte before execve; EOF makes it
    /// exit without exec. Null: exec at once, and Spawn returns only after execve succeeded.
    /// </summary>
    public SafeFd? SyncFd { get; init; }

    public IReadOnlyList<FdMapping> Fds { get; init; } = [];

    /// <summary>Exec this fd (execveat AT_EMPTY_PATH) instead of <see cref="Path"/>: a read-only view or sealed copy of a binary.</summary>
    public SafeFd? ExecFd { get; init; }

    /// <summary>
    /// After the sync byte (the parent has written the id maps by then) and before execve:
    /// setresgid(0,0,0) and setresuid(0,0,0). A process in a new user namespace keeps its
    /// unmapped host ids, so execve would drop every capability; as uid 0 of the namespace it
    /// keeps them (runc's nsexec does the same). Needs a new or joined user namespace.
    /// </summary>
    public bool BecomeRoot { get; init; }

    /// <summary>
    /// With <see cref="BecomeRoot"/>: also setgroups(0, NULL), dropping the runtime's
    /// supplementary groups. Only where the namespace's /proc/PID/setgroups is "allow"
    /// (the maps were written by a privileged parent), else the child fails with EPERM.
    /// </summary>
    public bool ClearGroups { get; init; }

    /// <summary>
    /// The child is born non-dumpable (prctl PR_SET_DUMPABLE). Until its execve the child is a copy
    /// of hutch, and /proc/PID/exe names hutch's own binary: a container process that could open
    /// it then (the child has joined the container, and dropped to the container's capabilities
    /// in an exec's process setup) could reopen it for writing once hutch exits (CVE-2019-5736).
    /// Non-dumpable, only CAP_SYS_PTRACE opens it. execve makes the program dumpable again. For
    /// processes that enter a container, when hutch is root (a non-dumpable child's /proc files
    /// belong to root: an unprivileged parent could not write its id maps). Such a spawn never
    /// uses <see cref="Vfork"/>: a child sharing hutch's memory would make hutch non-dumpable.
    /// </summary>
    public bool NotDumpable { get; init; }

    /// <summary>
    /// The child gets SIGKILL when the thread that called Spawn exits (PR_SET_PDEATHSIG, set
    /// first thing in the child and again after <see cref="BecomeRoot"/>, whose credential change
    /// clears it). The setting is per thread: spawn from the thread that lives as long as the
    /// child must die with it (the main thread of a command). It survives the execve of a program
    /// that gains no privilege; a program that is to outlive hutch clears it itself (the init, at
    /// create's commit). A parent that died before the child's prctl shows as EOF on
    /// <see cref="SyncFd"/>.
    /// </summary>
    public bool DieWithParent { get; init; }

    /// <summary>
    /// The cgroup the child joins before anything else (<see cref="CgroupPlacement"/>): born in
    /// its cgroup2 directory, then moving its one thread into each v1 hierarchy, so that hutch
    /// never migrates a whole process (the kernel's global lock, an RCU grace period of 5-20 ms).
    /// The caller keeps it open until Spawn returns. Never with vfork.
    /// </summary>
    public CgroupPlacement? Cgroup { get; init; }

    /// <summary>
    /// Offsets of the new time namespace's clocks ("monotonic", "boottime"; runtime-spec
    /// linux.timeOffsets). Needs <see cref="NamespaceKind.Time"/> in <see cref="NewNamespaces"/>.
    /// The kernel takes offsets only before any process is inside, so the spawn goes two-stage:
    /// the intermediate child unshares the time namespace (staying outside), writes
    /// /proc/self/timens_offsets, and the final child is born inside it.
    /// </summary>
    public IReadOnlyDictionary<string, (long Secs, uint Nanosecs)>? TimeOffsets { get; init; }

    /// <summary>
    /// `hutch exec`: after the sync byte the child sets itself up as the container process (user,
    /// capabilities, cwd, terminal, seccomp: see <see cref="Spawn.ProcessSetup"/>) and execs
    /// <see cref="Path"/> with <see cref="Argv"/> and <see cref="Envp"/>. Needs <see cref="SyncFd"/>; not with
    /// <see cref="ExecFd"/> or <see cref="BecomeRoot"/>. Null: the plain path (execve right after the sync).
    /// </summary>
    public ProcessSetup? ProcessSetup { get; init; }

    /// <summary>Use clone(2) even where clone3 exists (a seccomp filter that denies clone3 with EPERM).</summary>
    public bool AvoidClone3 { get; init; }

    /// <summary>The time namespace is unshared by the intermediate child, not cloned, when it has offsets.</summary>
    internal ulong CloneFlags => NewNamespaces
        .Where(kind => !(kind == NamespaceKind.Time && HasTimeOffsets))
        .Aggregate(0UL, (flags, kind) => flags | kind.CloneFlag());

    internal bool HasTimeOffsets => TimeOffsets is { Count: > 0 };

    /// <summary>The text written to timens_offsets: one "CLOCK SECS NANOSECS" line per clock, in name order.</summary>
    internal string RenderedTimeOffsets
    {
        get
        {
            var text = new StringBuilder();
            foreach (var (clock, (secs, nanosecs)) in (TimeOffsets ?? new Dictionary<string, (long, uint)>()).OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{clock} {secs} {nanosecs}\n");
            }
            return text.ToString();
        }
    }

    /// <summary>The joins in the order the child performs them.</summary>
    internal IReadOnlyList<NamespaceJoin> OrderedJoins =>
        [.. JoinNamespaces.OrderBy(join => IndexOf(NamespaceKinds.JoinOrder, join.Kind))];

    /// <summary>
    /// Join in an intermediate child, then clone the final one: a joined pid namespace holds
    /// only children of the joiner, a new user namespace created before joining would drop
    /// the privileges the joins need, and namespaces created before joining a user namespace
    /// would be owned by hutch's user namespace, where the joiner has no capability (runc and
    /// crun also join first, then create).
    /// </summary>
    internal bool TwoStage => HasTimeOffsets
        || JoinNamespaces.Any(join => join.Kind == NamespaceKind.Pid)
        || (JoinNamespaces.Count > 0 && NewNamespaces.Contains(NamespaceKind.User))
        || (NewNamespaces.Count > 0 && JoinNamespaces.Any(join => join.Kind == NamespaceKind.User));

    /// <summary>
    /// Share the caller's memory and suspend it until the child execs (posix_spawn's way):
    /// copying a large managed heap's page tables makes a fork cost milliseconds. Not with
    /// a sync fd (the caller could not release the child), two stages, or a user or time
    /// namespace to join or a time namespace to create (the kernel refuses those to a
    /// process sharing its memory).
    /// </summary>
    internal bool Vfork => SyncFd is null && !TwoStage && !AvoidClone3 && !NotDumpable && Cgroup is null
        && !NewNamespaces.Contains(NamespaceKind.Time)
        && !JoinNamespaces.Any(join => join.Kind is NamespaceKind.User or NamespaceKind.Time);

    internal IReadOnlyList<string> EffectiveArgv => Argv.Count > 0 ? Argv : [Path];

    /// <summary>Throws ArgumentException for a plan the kernel would reject or misread.</summary>
    internal void Validate()
    {
        CheckString(Path, nameof(Path));
        if (Path.Length == 0)
        {
            throw new ArgumentException("spawn: the executable path is empty", nameof(Path));
        }
        foreach (var arg in EffectiveArgv)
        {
            CheckString(arg, nameof(Argv));
        }
        foreach (var entry in Envp)
        {
            CheckString(entry, nameof(Envp));
        }
        if (JoinNamespaces.Count > Libc.HUTCH_SPAWN_MAX_JOINS)
        {
            throw new ArgumentException($"spawn {Path}: {JoinNamespaces.Count} namespaces to join, at most {Libc.HUTCH_SPAWN_MAX_JOINS}", nameof(JoinNamespaces));
        }
        var joined = new HashSet<NamespaceKind>();
        foreach (var join in JoinNamespaces)
        {
            if (!joined.Add(join.Kind))
            {
                throw new ArgumentException($"spawn {Path}: two {join.Kind.OciName()} namespaces to join", nameof(JoinNamespaces));
            }
            if (NewNamespaces.Contains(join.Kind))
            {
                throw new ArgumentException($"spawn {Path}: the {join.Kind.OciName()} namespace is both new and joined ({join.Source})", nameof(JoinNamespaces));
            }
        }
        if (Fds.Count > Libc.HUTCH_SPAWN_MAX_FD_MAPS)
        {
            throw new ArgumentException($"spawn {Path}: {Fds.Count} fds to pass, at most {Libc.HUTCH_SPAWN_MAX_FD_MAPS}", nameof(Fds));
        }
        if (Fds.Select(map => map.Target).Distinct().Count() != Fds.Count || Fds.Any(map => map.Target < 0))
        {
            throw new ArgumentException($"spawn {Path}: fd targets must be distinct and >= 0", nameof(Fds));
        }
        if (BecomeRoot && !NewNamespaces.Contains(NamespaceKind.User) && !joined.Contains(NamespaceKind.User))
        {
            throw new ArgumentException($"spawn {Path}: becoming root needs a new or joined user namespace (it would be a no-op, or fail, in hutch's own)", nameof(BecomeRoot));
        }
        if (Cgroup is { ThreadFiles.Count: > Libc.HUTCH_SPAWN_MAX_CGROUP_FILES })
        {
            throw new ArgumentException($"spawn {Path}: {Cgroup.ThreadFiles.Count} cgroup hierarchies, at most {Libc.HUTCH_SPAWN_MAX_CGROUP_FILES}", nameof(Cgroup));
        }
        if (ClearGroups && !BecomeRoot)
        {
            throw new ArgumentException($"spawn {Path}: clearing the supplementary groups is part of becoming root: set BecomeRoot too", nameof(ClearGroups));
        }
        if (HasTimeOffsets)
        {
            if (!NewNamespaces.Contains(NamespaceKind.Time))
            {
                throw new ArgumentException($"spawn {Path}: time offsets need a new time namespace (add it to NewNamespaces)", nameof(TimeOffsets));
            }
            foreach (var (clock, (_, nanosecs)) in TimeOffsets!)
            {
                if (clock is not ("monotonic" or "boottime"))
                {
                    throw new ArgumentException($"spawn {Path}: time offset for clock \"{clock}\": only monotonic and boottime can be offset", nameof(TimeOffsets));
                }
                if (nanosecs >= 1_000_000_000)
                {
                    throw new ArgumentException($"spawn {Path}: time offset for {clock}: nanosecs {nanosecs} must be below 1000000000", nameof(TimeOffsets));
                }
            }
        }
        if (ProcessSetup is not null)
        {
            if (SyncFd is null || ExecFd is not null || BecomeRoot)
            {
                throw new ArgumentException($"spawn {Path}: a process setup needs a sync fd, and neither an exec fd nor BecomeRoot (it sets the ids itself)", nameof(ProcessSetup));
            }
            if (!Path.StartsWith('/'))
            {
                throw new ArgumentException($"spawn {Path}: a process setup execs an absolute path", nameof(Path));
            }
            if (ProcessSetup.TerminalFd is { } tty && !Fds.Any(map => map.Target == tty) && tty > 2)
            {
                throw new ArgumentException($"spawn {Path}: the terminal fd {tty} is not among the fds passed", nameof(ProcessSetup));
            }
            ProcessSetup.Validate(Path);
        }
        if (AvoidClone3 && NewNamespaces.Contains(NamespaceKind.Time) && !HasTimeOffsets)
        {
            throw new ArgumentException($"spawn {Path}: a new time namespace needs clone3", nameof(AvoidClone3));
        }
    }

    private static void CheckString(string value, string what)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"spawn: {what} contains a NUL byte: {value.Replace('\0', '?')}", what);
        }
    }

    private static int IndexOf(IReadOnlyList<NamespaceKind> order, NamespaceKind kind)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == kind)
            {
                return i;
            }
        }
        return order.Count;
    }
}
