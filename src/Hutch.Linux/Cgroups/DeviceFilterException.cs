namespace Hutch.Linux.Cgroups;

/// <summary>Loading, attaching or detaching the cgroup v2 device filter failed; the message says which step, on which cgroup, and why.</summary>
internal sealed class DeviceFilterException : Exception
{
    public DeviceFilterException(string message, int errno = 0) : base(message) => Errno = errno;

    /// <summary>The kernel's errno, 0 when the failure was not a system call's.</summary>
    public int Errno { get; }
}
