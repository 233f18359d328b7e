using Hutch.Runtime.Cgroups.Systemd;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// The transient unit of a create under --systemd-cgroup: stopped (systemd removes the
/// directories it made; a unit never started, or gone with its last process, is fine), then the
/// directories hutch made for it in the hierarchies systemd leaves alone are removed as a
/// cgroupfs create's would be. Runs after the init's undo: the unit is empty by then.
/// </summary>
internal sealed class SystemdUnitUndo : IUndoStep
{
    private readonly SystemdUnitEntry _unit;
    private readonly CgroupUndo _directories;

    public SystemdUnitUndo(SystemdUnitEntry unit)
    {
        _unit = unit;
        _directories = new CgroupUndo(new CgroupIntentEntry { Directories = unit.Directories, Missing = unit.Missing });
    }

    public void Undo(UndoContext context)
    {
        SystemdScope.StopUnit(_unit.Unit, _unit.UserManager);
        _directories.Undo(context);
    }
}
