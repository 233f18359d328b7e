using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// An owned file descriptor. Unlike SafeFileHandle, 0 is a valid fd (a process
/// may run with stdin closed); only -1 is invalid. Every fd hutch opens is O_CLOEXEC.
/// </summary>
internal sealed class SafeFd : SafeHandle
{
    public SafeFd() : base(-1, ownsHandle: true) { }

    public SafeFd(int fd, bool ownsHandle = true) : base(-1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw fd number, for Interop calls and for /proc/self/fd paths.</summary>
    public int Fd => (int)handle;

    /// <summary>Gives up ownership and returns the raw fd (the caller closes it).</summary>
    public int Release()
    {
        var fd = (int)handle;
        SetHandleAsInvalid();
        return fd;
    }

    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}
