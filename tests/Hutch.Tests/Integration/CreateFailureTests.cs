using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>A failed create says why and leaves nothing: no state directory, no process.</summary>
public sealed class CreateFailureTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void A_bad_config_exits_1_naming_the_json_path()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Linux!.Namespaces![0].Type = "bogus");

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.namespaces[0].type", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void A_missing_executable_fails_create_with_runcs_message_and_leaves_nothing()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["/bin/nosuch"]);

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        // The error is the last line; warning records (e.g. resources not applied) may come before it.
        var lines = outcome.Stderr.Trim().Split('\n');
        Assert.Equal("hutch: exec: \"/bin/nosuch\": no such file or directory", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Contains(" level=warning ", line, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void A_program_not_in_PATH_fails_create()
    {
        var id = host.NewId();
        var outcome = host.Hutch("create", "--bundle", host.Bundle(c => c.Process!.Args = ["nosuchprogram"]), id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("exec: \"nosuchprogram\": executable file not found in $PATH", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void A_failing_createRuntime_hook_fails_create_and_leaves_nothing()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Hooks = new Hooks
        {
            CreateRuntime = [new Hook { Path = "/bin/sh", Args = ["sh", "-c", "echo hook says no >&2; exit 4"] }],
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("createRuntime hook 0 (/bin/sh) failed: exit status 4: hook says no", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
        Assert.False(host.AnyProcessHoldsRoot());
    }

    [ContainerFact]
    public void A_hook_that_times_out_is_killed_and_fails_create()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Hooks = new Hooks
        {
            Prestart = [new Hook { Path = "/bin/sleep", Args = ["sleep", "30"], Timeout = 1 }],
        });

        var outcome = host.Hutch("create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("prestart hook 0 (/bin/sleep) timed out after 1 s", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Hooks_get_the_state_on_stdin_in_their_order()
    {
        var id = host.NewId();
        string bundle = "";
        bundle = host.Bundle(c =>
        {
            var log = Path.Combine(ContainerHost.Rootfs, "..", "hooks-" + id + ".log");
            Hook Logger(string phase) => new() { Path = "/bin/sh", Args = ["sh", "-c", $"read -r state; echo \"{phase} $state\" >> {log}"] };
            c.Hooks = new Hooks
            {
                Prestart = [Logger("prestart")],
                CreateRuntime = [Logger("createRuntime")],
                Poststart = [Logger("poststart")],
                Poststop = [Logger("poststop")],
            };
            c.Process!.Args = ["true"];
        });
        var logPath = Path.Combine(ContainerHost.Rootfs, "..", "hooks-" + id + ".log");
        try
        {
            var outcome = host.Hutch("run", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var lines = File.ReadAllLines(logPath);
            Assert.Equal(["prestart", "createRuntime", "poststart", "poststop"], lines.Select(l => l.Split(' ')[0]));
            Assert.Contains("\"status\":\"creating\"", lines[0], StringComparison.Ordinal);
            Assert.Contains($"\"id\":\"{id}\"", lines[0], StringComparison.Ordinal);
            Assert.Contains("\"status\":\"stopped\"", lines[3], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(logPath);
        }
    }

    [ContainerFact]
    public void Concurrent_creates_of_one_id_have_exactly_one_winner()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);

        var outcomes = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => host.Hutch("create", "--bundle", bundle, id)).ToList();

        Assert.Single(outcomes, o => o.ExitCode == 0);
        Assert.All(outcomes.Where(o => o.ExitCode != 0), o => Assert.Contains($"container with id {id} already exists", o.Stderr, StringComparison.Ordinal));
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
    }
}
