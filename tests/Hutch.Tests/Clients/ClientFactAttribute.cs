using Hutch.Testing;

namespace Hutch.Tests.Clients;

/// <summary>
/// What a client test needs (root, bin/hutch, busybox for the image, the client's programs);
/// the first one missing becomes the skip reason, naming the package that provides it.
/// </summary>
internal static class ClientRequirements
{
    internal static string? Missing(params (string Program, string Package)[] programs)
    {
        if (!Host.IsRoot)
        {
            return "needs root (run the suite as root: sudo make test)";
        }
        if (!HutchBinary.Exists)
        {
            return "bin/hutch is missing: run make first (make test builds it)";
        }
        if (!File.Exists("/bin/busybox"))
        {
            return "/bin/busybox is missing: apt-get install -y busybox-static";
        }
        foreach (var (program, package) in programs)
        {
            if (FindProgram(program) is null)
            {
                return $"{program} is not installed: apt-get install -y {package}";
            }
        }
        return null;
    }

    /// <summary>The absolute path of <paramref name="program"/> in PATH (or the usual sbin folders), or null.</summary>
    internal static string? FindProgram(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return folders.Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
    }
}

/// <summary>A test that runs containers through podman (with conmon) and bin/hutch.</summary>
public sealed class PodmanFactAttribute : FactAttribute
{
    public PodmanFactAttribute()
    {
        Skip = ClientRequirements.Missing(("podman", "podman"), ("conmon", "podman"), ("script", "bsdutils"), ("tar", "tar"));
    }
}

/// <summary>A test that starts its own containerd and runs containers through ctr and the runc shim with bin/hutch.</summary>
public sealed class ContainerdFactAttribute : FactAttribute
{
    public ContainerdFactAttribute()
    {
        Skip = ClientRequirements.Missing(("containerd", "containerd"), ("ctr", "containerd"),
            ("containerd-shim-runc-v2", "containerd"), ("script", "bsdutils"));
    }
}
