namespace Hutch.Spec;

/// <summary>personality(2) of the container process.</summary>
internal sealed class LinuxPersonality
{
    /// <summary>REQUIRED. LINUX or LINUX32.</summary>
    public string Domain { get; set; } = "";

    public List<string>? Flags { get; set; }
}
