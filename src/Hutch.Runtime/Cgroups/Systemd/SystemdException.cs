namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// The systemd cgroup driver failed: systemd could not be reached over D-Bus, refused a call (the
/// D-Bus error name is kept), or a job did not finish as "done". The message names the unit and
/// says what to do.
/// </summary>
internal sealed class SystemdException : Exception
{
    public SystemdException(string message, string? errorName = null, Exception? inner = null)
        : base(message, inner) => ErrorName = errorName;

    public SystemdException() : this("systemd: the call failed") { }

    public SystemdException(string message) : this(message, null, null) { }

    public SystemdException(string message, Exception innerException) : this(message, null, innerException) { }

    /// <summary>The D-Bus error name systemd answered with ("org.freedesktop.systemd1.NoSuchUnit"), or null.</summary>
    public string? ErrorName { get; }
}
