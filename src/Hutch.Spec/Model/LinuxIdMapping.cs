using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>A uid or gid range mapping (user namespace or id-mapped mount).</summary>
internal sealed class LinuxIdMapping
{
    [JsonPropertyName("containerID")]
    public uint ContainerID { get; set; }

    [JsonPropertyName("hostID")]
    public uint HostID { get; set; }

    public uint Size { get; set; }
}
