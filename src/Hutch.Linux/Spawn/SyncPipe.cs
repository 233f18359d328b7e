using Hutch.Linux.Interop;

namespace Hutch.Linux.Spawn;

/// <summary>
/// The simplest sync channel for a held spawn: the child blocks reading <see cref="ChildEnd"/>
/// (put it in SpawnPlan.SyncFd) until <see cref="Release"/> writes one byte; <see cref="Abort"/>
/// (or Dispose) closes the parent's end without a byte, and the child exits without exec.
/// Dispose the SyncPipe (or <see cref="ChildEnd"/>) after Spawn returns.
/// </summary>
internal sealed class SyncPipe : IDisposable
{
    private readonly SafeFd _parentEnd;

    public SyncPipe()
    {
        var rc = Libc.Pipe(out var readEnd, out var writeEnd);
        if (rc < 0)
        {
            throw new SpawnException(SpawnStep.Sync, "(held child)", "a sync pipe", -rc, "raise the fd limit (ulimit -n)");
        }
        ChildEnd = readEnd;
        _parentEnd = writeEnd;
    }

    public SafeFd ChildEnd { get; }

    /// <summary>Lets the child go on to execve.</summary>
    public void Release()
    {
        ReadOnlySpan<byte> go = [1];
        var rc = Libc.Write(_parentEnd, go);
        if (rc < 0)
        {
            throw new SpawnException(SpawnStep.Sync, "(held child)", "the sync pipe", -rc,
                -rc == Errno.EPIPE ? "the child is gone" : null);
        }
        _parentEnd.Dispose();
    }

    /// <summary>Makes the child exit without exec (EOF on its end).</summary>
    public void Abort() => _parentEnd.Dispose();

    public void Dispose()
    {
        _parentEnd.Dispose();
        ChildEnd.Dispose();
    }
}
