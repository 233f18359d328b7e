namespace Hutch.Spec;

/// <summary>A namespace to create (no path) or join (path).</summary>
internal sealed class LinuxNamespace
{
    /// <summary>REQUIRED. pid, network, mount, ipc, uts, user, cgroup or time.</summary>
    public string Type { get; set; } = "";

    public string? Path { get; set; }
}
