using Hutch.Linux.Cgroups;
using Hutch.Spec;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// The systemd cgroup driver (`--systemd-cgroup`), as runc's: the container's cgroup is a
/// transient unit (a scope with Delegate=yes, or a slice) that systemd creates with the init's
/// pid in it and the properties linux.resources maps to; then the hierarchies systemd does not
/// manage get their directories, the init joins them, and every resource is written to the
/// cgroup files as the cgroupfs driver writes them. Later commands find the cgroup through its
/// directories in state.json, like the cgroupfs driver's; `delete` stops the unit.
/// <para>
/// Create's order: <see cref="Prepare"/> (connect to systemd, compute every property: nothing is
/// made yet), spawn the init held before its exec (born in hutch's own cgroup), <see cref="Start"/>
/// with its pid, release it. A failure after Start calls <see cref="Stop"/>.
/// </para>
/// </summary>
internal sealed class SystemdScope : IDisposable
{
    private readonly SystemdManager _manager;
    private readonly CgroupLayout _layout;
    private readonly LinuxResources _resources;
    private readonly List<SystemdProperty> _properties;
    private readonly Action<string>? _warn;

    private SystemdScope(SystemdManager manager, CgroupLayout layout, SystemdUnit unit, string cgroupPath, bool userManager,
        LinuxResources resources, List<SystemdProperty> properties, Action<string>? warn)
    {
        _manager = manager;
        _layout = layout;
        Unit = unit;
        CgroupPath = cgroupPath;
        UserManager = userManager;
        _resources = resources;
        _properties = properties;
        _warn = warn;
    }

    public SystemdUnit Unit { get; }

    /// <summary>The unit's cgroup below the root of each hierarchy ("/system.slice/runc-ID.scope").</summary>
    public string CgroupPath { get; }

    /// <summary>The unit belongs to the user's systemd (rootless), not the system's.</summary>
    public bool UserManager { get; }

    /// <summary>The cgroup once <see cref="Start"/> made it.</summary>
    public Cgroup? Cgroup { get; private set; }

    /// <summary>The properties the unit is started with, but for PIDs (for debug records and tests).</summary>
    public IReadOnlyList<SystemdProperty> Properties => _properties;

    /// <summary>
    /// Reads linux.cgroupsPath, the org.systemd.property.* annotations and linux.resources into
    /// the unit to start, and connects to systemd (the user's when <paramref name="rootless"/>).
    /// Throws CgroupResourceException (a config field) or SystemdException (systemd unreachable).
    /// </summary>
    public static SystemdScope Prepare(ContainerConfig config, string id, CgroupLayout layout, bool rootless, Action<string>? warn)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layout);
        if (rootless && layout.Mode != CgroupMode.V2)
        {
            // systemd delegates a cgroup to a user only on the unified hierarchy (as runc, which refuses the same).
            throw new SystemdException(
                "--systemd-cgroup for a rootless container needs a pure cgroup v2 host (systemd delegates cgroups to users only there; " +
                $"this host's cgroups are {layout.Mode.ToString().ToLowerInvariant()}): leave the flag out (podman: --cgroup-manager cgroupfs), or run as root");
        }
        var unified = layout.Mode == CgroupMode.V2;
        var unit = SystemdUnit.Parse(config.Linux?.CgroupsPath, id, userSlice: rootless);
        var resources = config.Linux?.Resources ?? new LinuxResources();
        var annotations = SystemdAnnotations.Parse(config.Annotations);
        var manager = SystemdManager.Connect(user: rootless);
        try
        {
            var properties = new List<SystemdProperty> { SystemdProperty.String("Description", "hutch container " + id) };
            if (unit.IsSlice)
            {
                properties.Add(new SystemdProperty("Wants", "as", new[] { unit.Slice }));
            }
            else
            {
                properties.Add(SystemdProperty.String("Slice", unit.Slice));
                properties.Add(SystemdProperty.Bool("Delegate", true));
            }
            // Accounting on, as runc: the same files the cgroupfs driver has, in every controller systemd manages.
            properties.Add(SystemdProperty.Bool("MemoryAccounting", true));
            properties.Add(SystemdProperty.Bool("CPUAccounting", true));
            properties.Add(SystemdProperty.Bool(unified ? "IOAccounting" : "BlockIOAccounting", true));
            properties.Add(SystemdProperty.Bool("TasksAccounting", true));
            properties.Add(SystemdProperty.Bool("DefaultDependencies", false));
            properties.AddRange(SystemdResourceProperties.For(resources, unified, manager.Version, warn));
            // Last: an annotation overrides what hutch derived.
            properties.AddRange(annotations);
            var cgroupPath = unit.CgroupPath;
            if (rootless)
            {
                // The user's systemd runs its units below its own cgroup (user@UID.service).
                cgroupPath = manager.ControlGroup.TrimEnd('/') + cgroupPath;
            }
            return new SystemdScope(manager, layout, unit, cgroupPath, rootless, resources, properties, warn);
        }
        catch
        {
            manager.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the unit with <paramref name="pid"/> (the held init) in it and waits for systemd's
    /// job; makes the unit's directories in the hierarchies systemd leaves alone, moves the pid
    /// there too, and writes linux.resources into the files. Returns the cgroup. Calls
    /// <paramref name="started"/> as soon as systemd's job is done (create journals it: only a
    /// unit this create started is ever stopped by its undo). Throws SystemdException,
    /// CgroupException or CgroupResourceException; create's undo stack cleans up then.
    /// </summary>
    public Cgroup Start(int pid, Action started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var properties = new List<SystemdProperty>(_properties) { SystemdProperty.UInt32Array("PIDs", checked((uint)pid)) };
        _manager.StartTransientUnit(Unit.Name, properties);
        started();
        // An absolute path: the unit's cgroup from the root of every hierarchy. Directories systemd
        // made are found as they are; those it did not (freezer, cpuset, ... on v1) are made here.
        Cgroup = Cgroup.Create(_layout, CgroupPath);
        Cgroup.AddProcess(pid);
        // A user's unit (rootless): what the kernel refuses a user namespace's root (the eBPF
        // device filter) is skipped, as the cgroupfs driver skips it rootless.
        CgroupResources.Apply(Cgroup, _layout, _resources, warn: _warn, rootless: UserManager);
        return Cgroup;
    }

    public void Dispose() => _manager.Dispose();

    /// <summary>`delete`: stops the container's unit (gone already when its last process ended: fine). Returns a warning or null; throws SystemdException.</summary>
    public static string? StopUnit(string unit, bool userManager)
    {
        using var manager = SystemdManager.Connect(user: userManager);
        return manager.StopUnit(unit);
    }

    /// <summary>
    /// `update`: sets the unit's properties for <paramref name="resources"/> (the merged ones, as
    /// runc's update sets them), the cgroup frozen meanwhile on v1, where systemd rewrites the
    /// device list by denying everything first. The files are written by the caller afterwards.
    /// </summary>
    public static void Update(string unit, bool userManager, Cgroup cgroup, LinuxResources resources, Action<string>? warn)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        var layout = CgroupLayout.Detect();
        var unified = layout.Mode == CgroupMode.V2;
        using var manager = SystemdManager.Connect(user: userManager);
        var properties = SystemdResourceProperties.For(resources, unified, manager.Version, warn);
        var freeze = !unified && cgroup.Dir("freezer") is not null && !cgroup.IsFrozen();
        if (freeze)
        {
            cgroup.Freeze();
        }
        try
        {
            manager.SetUnitProperties(unit, properties);
        }
        finally
        {
            if (freeze)
            {
                cgroup.Thaw();
            }
        }
    }
}
