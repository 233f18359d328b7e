using System.Globalization;
using System.Text.Json.Nodes;

namespace Hutch.Tests.Integration;

/// <summary>
/// A --root holding a state.json hutch cannot read: one corrupt container, or another runtime's
/// (Docker gives every runtime `&lt;exec-root&gt;/runtime-runc/moby`), must not hide the others from
/// `list` (runc lists the rest and warns), and `delete --force` must still clean a corrupt one.
/// </summary>
public sealed class CorruptStateTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    /// <summary>The shape of runc 1.1.5's state.json (abridged): valid JSON, none of hutch's fields.</summary>
    private const string RuncState =
        """{"id":"other","init_process_pid":4242,"init_process_start":12345,"created":"2026-01-01T00:00:00Z","config":{"rootfs":"/x"},"rootless":false,"cgroup_paths":{"memory":"/sys/fs/cgroup/memory/other"},"namespace_paths":{},"external_descriptors":["/dev/null"]}""";

    [ContainerTheory]
    [InlineData("empty")]
    [InlineData("truncated")]
    [InlineData("not JSON")]
    [InlineData("invalid UTF-8")]
    [InlineData("null")]
    [InlineData("an array")]
    [InlineData("wrong types")]
    [InlineData("missing fields")]
    [InlineData("null fields")]
    [InlineData("another id")]
    [InlineData("a newer format")]
    [InlineData("another runtime's")]
    [InlineData("a directory")]
    [InlineData("a FIFO")]
    [InlineData("a symlink to /dev/zero")]
    [InlineData("a dangling symlink")]
    public void List_shows_the_other_containers_and_warns_about_a_state_it_cannot_read(string kind)
    {
        var good = host.NewId("good");
        var create = host.Hutch("create", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "300"]), good);
        Assert.True(create.ExitCode == 0, create.ToString());
        var bad = host.NewId("bad");
        var directory = Path.Combine(host.Root, bad);
        Directory.CreateDirectory(directory);
        var goodState = File.ReadAllText(Path.Combine(host.Root, good, "state.json"));
        try
        {
            Corrupt(Path.Combine(directory, "state.json"), kind, goodState, bad);

            foreach (var args in new[] { new[] { "list" }, new[] { "list", "--format", "json" }, new[] { "list", "-q" } })
            {
                var list = host.Hutch(args);

                Assert.True(list.ExitCode == 0, $"{kind}, {string.Join(' ', args)}: {list}");
                Assert.Contains(good, list.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain(bad, list.Stdout, StringComparison.Ordinal);
                Assert.Contains(bad, list.Stderr, StringComparison.Ordinal);
                Assert.Contains("state.json", list.Stderr, StringComparison.Ordinal);
            }
            var json = JsonNode.Parse(host.Hutch("list", "--format", "json").Stdout)!.AsArray();
            Assert.Equal("created", (string?)json.Single(e => (string?)e!["id"] == good)!["status"]);
        }
        finally
        {
            host.Hutch("delete", "--force", good);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [ContainerFact]
    public void Delete_force_of_a_container_with_a_corrupt_state_kills_its_processes_and_removes_its_cgroup()
    {
        var id = host.NewId("corrupt");
        var create = host.Hutch("create", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "300"]), id);
        Assert.True(create.ExitCode == 0, create.ToString());
        var statePath = Path.Combine(host.Root, id, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        var pid = (int)state["pid"]!;
        var startTime = StartTime(pid);
        var cgroups = state["cgroup"]!.AsObject().Select(entry => (string)entry.Value!).Distinct().ToList();
        Assert.NotEmpty(cgroups);
        Assert.All(cgroups, dir => Assert.True(Directory.Exists(dir), dir));

        File.WriteAllText(statePath, "{\"ociVersion\": \"1.3.0\", \"id\": \"" + id + "\", \"pid\": "); // cut short, as by a full disk
        var plain = host.Hutch("delete", id);
        var force = host.Hutch("delete", "--force", id);

        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("state.json", plain.Stderr, StringComparison.Ordinal);
        Assert.True(force.ExitCode == 0, force.ToString());
        Assert.Contains("state.json", force.Stderr, StringComparison.Ordinal); // the warning says what was wrong
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.True(WaitUntilGone(pid, startTime), $"the init (pid {pid}) still runs");
        Assert.All(cgroups, dir => Assert.False(Directory.Exists(dir), dir + " is left behind"));
    }

    private static void Corrupt(string path, string kind, string goodState, string id)
    {
        var withId = goodState.Replace(JsonNode.Parse(goodState)!["id"]!.ToJsonString(), "\"" + id + "\"", StringComparison.Ordinal);
        switch (kind)
        {
            case "empty": File.WriteAllText(path, ""); break;
            case "truncated": File.WriteAllText(path, withId[..(withId.Length / 2)]); break;
            case "not JSON": File.WriteAllText(path, "hello"); break;
            case "invalid UTF-8": File.WriteAllBytes(path, [(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}']); break;
            case "null": File.WriteAllText(path, "null"); break;
            case "an array": File.WriteAllText(path, "[]"); break;
            case "wrong types": File.WriteAllText(path, "{\"ociVersion\": 1, \"id\": [], \"pid\": \"x\", \"bundle\": {}, \"rootfs\": true}"); break;
            case "missing fields": File.WriteAllText(path, "{}"); break;
            case "null fields": File.WriteAllText(path, "{\"ociVersion\": null, \"id\": \"" + id + "\", \"bundle\": null, \"rootfs\": null}"); break;
            case "another id": File.WriteAllText(path, goodState); break;
            case "a newer format": File.WriteAllText(path, withId.Replace("\"format\": 1", "\"format\": 99", StringComparison.Ordinal)); break;
            case "another runtime's": File.WriteAllText(path, RuncState.Replace("\"other\"", "\"" + id + "\"", StringComparison.Ordinal)); break;
            case "a directory": Directory.CreateDirectory(path); break;
            case "a FIFO": ContainerHost.HostCommand("mkfifo", path); break;
            case "a symlink to /dev/zero": File.CreateSymbolicLink(path, "/dev/zero"); break;
            case "a dangling symlink": File.CreateSymbolicLink(path, "/nonexistent/state.json"); break;
            default: throw new ArgumentException(kind);
        }
    }

    /// <summary>Field 22 of /proc/PID/stat (after the parenthesised name), or null when the pid is gone.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool WaitUntilGone(int pid, string? startTime)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (StartTime(pid) is { } now && now == startTime)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }
}
