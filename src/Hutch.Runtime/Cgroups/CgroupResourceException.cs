namespace Hutch.Runtime.Cgroups;

/// <summary>
/// linux.resources cannot be applied on this host: the message names the JSON path, the value, why
/// and what to do, e.g. "linux.resources.network.classID: 1048577 cannot be applied: this host has
/// no net_cls controller (...); remove it from config.json".
/// </summary>
internal sealed class CgroupResourceException : Exception
{
    public CgroupResourceException(string jsonPath, string message, Exception? inner = null)
        : base($"{jsonPath}: {message}", inner) => JsonPath = jsonPath;

    public CgroupResourceException() : this("linux.resources", "cannot be applied") { }

    public CgroupResourceException(string message) : this("linux.resources", message) { }

    public CgroupResourceException(string message, Exception innerException) : this("linux.resources", message, innerException) { }

    /// <summary>The config field at fault ("linux.resources.pids.limit").</summary>
    public string JsonPath { get; }
}
