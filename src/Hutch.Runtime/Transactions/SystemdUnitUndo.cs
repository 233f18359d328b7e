using Hutch.Runtime.Cgroups.Systemd;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// The transient unit of a create under --systemd-cgroup: stopped if this create started it
/// (systemd removes the directories it made; a unit gone with its last process is fine), then
/// the directories hutch made for it in the hierarchies systemd leaves alone are removed as a
/// cgroupfs create's would be. Runs after the init's undo: the unit is empty by then. A unit
/// never started needs no systemd at all (delete works with systemd unreachable).
/// </summary>
internal sealed class SystemdUnitUndo : IUndoStep
{
    private readonly SystemdUnitEntry _unit;
    private readonly CgroupUndo _directories;
    private bool _started;

    public SystemdUnitUndo(SystemdUnitEntry unit)
    {
        _unit = unit;
        _directories = new CgroupUndo(unit.CgroupIntent);
    }

    /// <summary>systemd started the unit (SystemdUnitStartedEntry).</summary>
    public void Started() => _started = true;

    public void Undo(UndoContext context)
    {
        if (_started && SystemdScope.StopUnit(_unit.Unit, _unit.UserManager) is { } warning)
        {
            context.Warn?.Invoke(warning);
        }
        _directories.Undo(context);
    }
}
