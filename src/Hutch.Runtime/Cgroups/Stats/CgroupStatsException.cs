namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>A cgroup statistics file that exists but could not be read or parsed; the message names the file.</summary>
internal sealed class CgroupStatsException : Exception
{
    public CgroupStatsException(string message) : base(message)
    {
    }

    public CgroupStatsException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CgroupStatsException()
    {
    }
}
