namespace Hutch.Spec;

/// <summary>A host network device to move into the container (config-linux.md, "Network Devices").</summary>
internal sealed class LinuxNetDevice
{
    /// <summary>The name inside the container; the map key when absent. May hold one "%d".</summary>
    public string? Name { get; set; }
}
