namespace Hutch.Spec;

/// <summary>Offset of one clock in a new time namespace.</summary>
internal sealed class LinuxTimeOffset
{
    public long? Secs { get; set; }

    public uint? Nanosecs { get; set; }
}
