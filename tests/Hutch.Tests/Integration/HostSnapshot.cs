using System.Globalization;
using System.Text;
using System.Text.Json;
using Hutch.Testing;

namespace Hutch.Tests.Integration;

/// <summary>
/// What a container can leave on the host, as text to compare before and after: the devices and
/// addresses of a test's network namespace (`ip -j addr`: name, index, MAC, up/down, every address
/// but the kernel's link-local ones), the cgroup directory of one name in every hierarchy, the
/// processes in such a cgroup, and the mounts under a state root.
/// </summary>
internal static class HostSnapshot
{
    public static string Take(string? netnsName, string cgroupName, string stateRoot)
    {
        var text = new StringBuilder();
        if (netnsName is not null)
        {
            text.Append(Addresses(netnsName));
        }
        foreach (var mount in CgroupMounts())
        {
            if (Directory.Exists(Path.Combine(mount, cgroupName)))
            {
                text.Append("cgroup ").Append(mount).Append('/').Append(cgroupName).Append('\n');
            }
        }
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                // A zombie is dead already; reaping it is its parent's business (pid 1 for an orphan).
                if (File.ReadAllText(Path.Combine(proc, "cgroup")).Contains("/" + cgroupName, StringComparison.Ordinal) && !IsZombie(proc))
                {
                    text.Append("process ").Append(pid).Append(' ').Append(File.ReadAllText(Path.Combine(proc, "comm")).Trim()).Append('\n');
                }
            }
            catch (IOException)
            {
                // Exited meanwhile.
            }
        }
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            if (line.Contains(stateRoot, StringComparison.Ordinal))
            {
                text.Append("mount ").Append(line.Split(' ')[4]).Append('\n');
            }
        }
        return text.ToString();
    }

    private static bool IsZombie(string proc)
    {
        var stat = File.ReadAllText(Path.Combine(proc, "stat"));
        return stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X';
    }

    private static string Addresses(string netnsName)
    {
        using var json = JsonDocument.Parse(IpCommand.Run("-n", netnsName, "-j", "addr"));
        var lines = new List<string>();
        foreach (var link in json.RootElement.EnumerateArray())
        {
            var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
            var line = new StringBuilder()
                .Append("link ").Append(link.GetProperty("ifname").GetString())
                .Append(" index ").Append(link.GetProperty("ifindex").GetInt32())
                .Append(" mac ").Append(link.TryGetProperty("address", out var mac) ? mac.GetString() : "-")
                .Append(flags.Contains("UP") ? " up" : " down");
            foreach (var address in link.GetProperty("addr_info").EnumerateArray())
            {
                if (address.GetProperty("scope").GetString() == "link")
                {
                    continue;
                }
                line.Append(' ').Append(address.GetProperty("local").GetString()).Append('/').Append(address.GetProperty("prefixlen").GetInt32())
                    .Append(address.TryGetProperty("label", out var label) ? " label " + label.GetString() : "");
            }
            lines.Add(line.ToString());
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Concat(lines.Select(l => l + "\n"));
    }

    /// <summary>The mount point of every cgroup (v1) and cgroup2 hierarchy.</summary>
    private static IEnumerable<string> CgroupMounts() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(" - ", 2))
            .Where(parts => parts.Length == 2 && parts[1].Split(' ')[0] is "cgroup" or "cgroup2")
            .Select(parts => parts[0].Split(' ')[4])
            .Distinct(StringComparer.Ordinal);
}
