using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using System.Text;
using System.Text.Json;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.NetDevices;

/// <summary>
/// A network namespace a test made with `ip netns add` (unique name), deleted on Dispose with
/// every device in it. Tests make their "runtime" (host) side and their container side this way,
/// so nothing touches the real host namespace.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    private SafeFd? _fd;

    private TestNetns(string name) => Name = name;

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    /// <summary>An open fd of the namespace (owned here).</summary>
    public SafeFd Fd => _fd ??= NetworkNamespace.Open(Path);

    public static TestNetns Create()
    {
        var netns = new TestNetns(Host.UniqueName("hnd"));
        IpCommand.Run("netns", "add", netns.Name);
        return netns;
    }

    /// <summary>`ip -n NAME ARGS`.</summary>
    public string Ip(params string[] arguments) => IpCommand.Run(["-n", Name, .. arguments]);

    /// <summary>Runs many `ip` commands in one process (`ip -n NAME -batch -`).</summary>
    public void Batch(IEnumerable<string> commands)
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, commands);
            Ip("-batch", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A veth pair inside; the peer stays down unless asked (no carrier, so no link-local address).</summary>
    public void AddVeth(string name, string peer, bool peerUp = false)
    {
        Ip("link", "add", name, "type", "veth", "peer", "name", peer);
        if (peerUp)
        {
            Ip("link", "set", peer, "up");
        }
    }

    public IReadOnlyList<string> LinkNames() =>
        Parse(Ip("-j", "link", "show")).Select(l => l.GetProperty("ifname").GetString()!).ToList();

    public bool Has(string device) => LinkNames().Contains(device);

    /// <summary>
    /// Every device but lo, as ip(8) reports it: name, MAC, MTU, UP or DOWN, and each address with
    /// its attributes and flags (lifetimes left out: dynamic ones tick). IPv6 link-local addresses
    /// are left out: the kernel makes them when the carrier comes, on its own schedule.
    /// </summary>
    public string Snapshot() => string.Join('\n', Parse(Ip("-j", "addr", "show"))
        .Where(l => l.GetProperty("ifname").GetString() != "lo")
        .Select(DescribeLink)
        .Order(StringComparer.Ordinal));

    /// <summary>One device as <see cref="Snapshot"/> shows it.</summary>
    public string Snapshot(string device) => DescribeLink(Parse(Ip("-j", "addr", "show", "dev", device)).Single());

    /// <summary>The addresses of a device, "family local[ peer P]/len[ brd B] scope S[ label L][ flags]".</summary>
    public IReadOnlyList<string> Addresses(string device, bool includeLinkLocal = false) =>
        Parse(Ip("-j", "addr", "show", "dev", device)).Single().GetProperty("addr_info").EnumerateArray()
            .Where(a => includeLinkLocal || a.GetProperty("scope").GetString() != "link")
            .Select(DescribeAddress).ToList();

    public string MacOf(string device) => Parse(Ip("-j", "link", "show", "dev", device)).Single().GetProperty("address").GetString()!;

    public void Dispose()
    {
        _fd?.Dispose();
        IpCommand.TryRun("netns", "del", Name);
    }

    private static List<JsonElement> Parse(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();

    private static string DescribeLink(JsonElement link)
    {
        var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        var addresses = link.TryGetProperty("addr_info", out var info)
            ? info.EnumerateArray().Where(a => a.GetProperty("scope").GetString() != "link").Select(DescribeAddress)
            : [];
        return $"{link.GetProperty("ifname").GetString()} mac {link.GetProperty("address").GetString()} " +
               $"mtu {link.GetProperty("mtu").GetInt32()} {(flags.Contains("UP") ? "UP" : "DOWN")} [{string.Join("; ", addresses)}]";
    }

    private static string DescribeAddress(JsonElement a)
    {
        var text = new StringBuilder();
        text.Append(a.GetProperty("family").GetString()).Append(' ').Append(a.GetProperty("local").GetString());
        if (a.TryGetProperty("address", out var peer))
        {
            text.Append(" peer ").Append(peer.GetString());
        }
        text.Append('/').Append(a.GetProperty("prefixlen").GetInt32());
        if (a.TryGetProperty("broadcast", out var broadcast))
        {
            text.Append(" brd ").Append(broadcast.GetString());
        }
        text.Append(" scope ").Append(a.GetProperty("scope").GetString());
        if (a.TryGetProperty("label", out var label))
        {
            text.Append(" label ").Append(label.GetString());
        }
        foreach (var flag in new[] { "dynamic", "nodad", "noprefixroute", "secondary", "tentative", "home", "mngtmpaddr", "optimistic" })
        {
            if (a.TryGetProperty(flag, out var on) && on.ValueKind == JsonValueKind.True)
            {
                text.Append(' ').Append(flag);
            }
        }
        return text.ToString();
    }
}

/// <summary>Builds linux.netDevices maps.</summary>
internal static class NetDeviceMap
{
    /// <summary>("hostA", "ctr_eth0") pairs; a null name leaves "name" out.</summary>
    public static Dictionary<string, LinuxNetDevice> Of(params (string Host, string? Name)[] entries) =>
        entries.ToDictionary(e => e.Host, e => new LinuxNetDevice { Name = e.Name }, StringComparer.Ordinal);
}
