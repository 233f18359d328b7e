using System.Diagnostics;
using System.Text;

namespace Hutch.Testing;

/// <summary>Runs iproute2's `ip` to set up and observe what the code under test does.</summary>
internal static class IpCommand
{
    /// <summary>Runs `ip ARGS`; throws with its stderr when it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var (exitCode, output, error) = TryRun(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"`ip {string.Join(' ', arguments)}` exited {exitCode}: {error.Trim()}");
        }
        return output;
    }

    /// <summary>Runs `ip ARGS` and returns its exit code and outputs, for cleanup that may find nothing to do.</summary>
    public static (int ExitCode, string Output, string Error) TryRun(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    /// <summary>The MAC `ip -o link show` prints for a device ("link/ether aa:bb:..").</summary>
    public static string MacOf(string? netns, string device)
    {
        var line = netns is null ? Run("-o", "link", "show", "dev", device) : Run("-n", netns, "-o", "link", "show", "dev", device);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[Array.IndexOf(words, "link/ether") + 1];
    }
}

/// <summary>A network namespace made for one test (`ip netns add`), deleted on Dispose with everything in it.</summary>
internal sealed class TestNetns : IDisposable
{
    private TestNetns(string name) => Name = name;

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    public static TestNetns Create()
    {
        var netns = new TestNetns(Host.UniqueName("hnl"));
        IpCommand.Run("netns", "add", netns.Name);
        return netns;
    }

    /// <summary>Runs `ip -n NAME ARGS`.</summary>
    public string Ip(params string[] arguments) => IpCommand.Run(["-n", Name, .. arguments]);

    /// <summary>Makes a veth pair inside this namespace; returns the two names.</summary>
    public (string A, string B) AddVeth()
    {
        var a = Host.UniqueName("va");
        var b = Host.UniqueName("vb");
        Ip("link", "add", a, "type", "veth", "peer", "name", b);
        return (a, b);
    }

    public void Dispose() => IpCommand.TryRun("netns", "del", Name);
}
