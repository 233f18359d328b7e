using System.Text.Json.Serialization;

namespace Hutch.Spec;

/// <summary>A device node to create in the container (config-linux.md, "Devices").</summary>
internal sealed class LinuxDevice
{
    /// <summary>REQUIRED. Path inside the container.</summary>
    public string Path { get; set; } = "";

    /// <summary>REQUIRED. c, b, u or p.</summary>
    public string Type { get; set; } = "";

    // Required unless type is p; like the spec's Go types, a zero is not written.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Major { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Minor { get; set; }

    public uint? FileMode { get; set; }

    public uint? Uid { get; set; }

    public uint? Gid { get; set; }
}
