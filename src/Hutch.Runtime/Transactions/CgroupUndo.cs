using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// The cgroup directories the create made (or, killed while making them, was about to make):
/// the processes left in a leaf it made are killed (they can only be the container's: hooks
/// and their children), then the directories are removed as Create's own rollback would.
/// A leaf the create joined (it existed before) is never touched.
/// </summary>
internal sealed class CgroupUndo : IUndoStep
{
    private readonly Dictionary<string, string> _directories;
    private List<string> _made;

    public CgroupUndo(CgroupIntentEntry intent)
    {
        _directories = intent.Directories;
        _made = intent.Missing;
    }

    /// <summary>The create finished making the cgroup: exactly these were made.</summary>
    public void Made(CgroupMadeEntry made) => _made = made.Made;

    public void Undo(UndoContext context)
    {
        var cgroup = Cgroup.Reattach(CgroupLayout.Detect(), _directories, _made);
        var leaves = _directories.Values.Distinct(StringComparer.Ordinal).ToList();
        if (leaves.All(_made.Contains) && leaves.Any(Directory.Exists) && cgroup.Pids().Count > 0)
        {
            cgroup.Signal(Libc.SIGKILL);
        }
        cgroup.Remove();
    }
}
