using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Tests.Terminal;

/// <summary>
/// A fact that opens the devpts instance's own ptmx node, /dev/pts/ptmx: skipped with the reason
/// where this user cannot open it (mode 000 on many hosts, which only root gets past).
/// </summary>
public sealed class DevptsPtmxFactAttribute : FactAttribute
{
    public override string? Skip
    {
        get => base.Skip ?? Missing();
        set => base.Skip = value;
    }

    private static string? Missing()
    {
        var rc = Libc.OpenAt(null, "/dev/pts/ptmx", Libc.O_RDWR | Libc.O_NOCTTY, 0, out var master);
        master.Dispose();
        return rc < 0 ? $"cannot open /dev/pts/ptmx here ({Errno.Describe(-rc)}; its mode is 000 on many hosts: run as root)" : null;
    }
}
