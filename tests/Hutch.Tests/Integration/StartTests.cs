using System.Text.Json.Nodes;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// `start` at the edges of runtime.md's lifecycle: what an error must leave as it was, what a
/// failing poststart hook must stop, and what a full state disk must not turn into a failure.
/// </summary>
public sealed class StartTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Start_of_a_config_without_process_fails_and_leaves_the_container_created_with_no_startContainer_hook_run()
    {
        using var marks = new HostDirectory();
        var id = host.NewId("noproc");
        var bundle = host.Bundle(c =>
        {
            c.Process = null;
            c.Mounts!.Add(new Mount { Destination = "/marks", Type = "bind", Source = marks.Path, Options = ["rbind", "rw"] });
            // Runs in the container (startContainer): it would leave /marks/started.
            c.Hooks = new Hooks { StartContainer = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", "echo ran > /marks/started"] }] };
        });
        var create = host.Hutch("create", "--bundle", bundle, id);
        Assert.True(create.ExitCode == 0, create.ToString());

        var start = host.Hutch("start", id);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("\"process\"", start.Stderr, StringComparison.Ordinal);
        Assert.Equal("created", Status(id));
        Assert.False(File.Exists(Path.Combine(marks.Path, "started")), "a startContainer hook ran for a start that failed");
        // Still created, the same start fails the same way (nothing was consumed).
        Assert.Equal(1, host.Hutch("start", id).ExitCode);
        Assert.Equal("created", Status(id));
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
    }

    [ContainerFact]
    public void A_failing_poststart_hook_fails_start_stops_the_container_and_runs_the_poststop_hooks()
    {
        using var marks = new HostDirectory();
        var poststop = Path.Combine(marks.Path, "poststop");
        var id = host.NewId("poststart");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "300"];
            // Both run in the runtime's namespaces (the host).
            c.Hooks = new Hooks
            {
                Poststart = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", "exit 3"] }],
                Poststop = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", $"cat > '{poststop}'"] }],
            };
        });
        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, id).ExitCode);
        var pid = (int)State(id)["pid"]!;

        var start = host.Hutch("start", id);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("poststart", start.Stderr, StringComparison.Ordinal);
        Assert.Contains("exit status 3", start.Stderr, StringComparison.Ordinal);
        // runtime.md lifecycle step 9: stop the container, continue at step 12 (destroy) and 13 (poststop).
        Assert.False(IsAlive(pid), $"the container's process (pid {pid}) still runs");
        Assert.Contains("\"id\":\"" + id + "\"", File.ReadAllText(poststop), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Start_exits_zero_when_the_container_runs_even_if_its_state_cannot_be_saved_on_a_full_disk()
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("hutch-it-full-").FullName, "root");
        Directory.CreateDirectory(root);
        ContainerHost.HostCommand("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", root);
        var id = host.NewId("full");
        try
        {
            var create = host.HutchAt(root, null, "create", "--bundle", host.Bundle(c => c.Process!.Args = ["sleep", "300"]), id);
            Assert.True(create.ExitCode == 0, create.ToString());
            Fill(root);

            var start = host.HutchAt(root, null, "start", id);

            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Contains("could not be recorded", start.Stderr, StringComparison.Ordinal);
            var state = host.HutchAt(root, null, "state", id);
            Assert.True(state.ExitCode == 0, state.ToString());
            Assert.Equal("running", (string?)JsonNode.Parse(state.Stdout)!["status"]);
        }
        finally
        {
            host.HutchAt(root, null, "delete", "--force", id);
            ContainerHost.HostCommand("umount", root);
            Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
        }
    }

    /// <summary>Writes into <paramref name="root"/> until the file system says ENOSPC.</summary>
    private static void Fill(string root)
    {
        using var fill = new FileStream(Path.Combine(root, "fill"), FileMode.CreateNew);
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                fill.Write(chunk);
                fill.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }
    }

    private static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');

    private string Status(string id) => (string?)State(id)["status"] ?? "";

    private JsonNode State(string id)
    {
        var outcome = host.Hutch("state", id);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return JsonNode.Parse(outcome.Stdout)!;
    }
}

/// <summary>A host directory for a test (mounted into a container or written by a hook), removed on Dispose.</summary>
internal sealed class HostDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hutch-it-dir-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
