using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>The six hook phases through bin/hutch: each runs its path with its own args and env, in the spec's order.</summary>
public sealed class HookTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Every_hook_phase_runs_with_its_path_args_and_env()
    {
        var id = host.NewId();
        // One log, seen by the runtime-side hooks at its host path and, through a bind mount, by
        // startContainer inside the container (after pivot_root) at /tmp/hooks.log.
        var logDirectory = Directory.CreateTempSubdirectory("hutch-it-hooks-").FullName;
        var hostLog = Path.Combine(logDirectory, "hooks.log");
        try
        {
            Hook Logger(string phase, string log) => new()
            {
                Path = "/bin/sh",
                Args = ["sh", "-c", "echo \"$0 $1 $HOOK_PHASE\" >> \"$HOOK_LOG\"", "arg0-" + phase, "arg1-" + phase],
                Env = ["HOOK_PHASE=env-" + phase, "HOOK_LOG=" + log],
            };
            var bundle = host.Bundle(c =>
            {
                c.Mounts!.Add(new Mount { Destination = "/tmp", Type = "bind", Source = logDirectory, Options = ["rbind", "rw"] });
                c.Hooks = new Hooks
                {
                    Prestart = [Logger("prestart", hostLog)],
                    CreateRuntime = [Logger("createRuntime", hostLog)],
                    CreateContainer = [Logger("createContainer", hostLog)],
                    StartContainer = [Logger("startContainer", "/tmp/hooks.log")],
                    Poststart = [Logger("poststart", hostLog)],
                    Poststop = [Logger("poststop", hostLog)],
                };
            });

            var outcome = host.Hutch("run", "--bundle", bundle, id);

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            string[] phases = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];
            Assert.Equal(phases.Select(p => $"arg0-{p} arg1-{p} env-{p}"), File.ReadAllLines(hostLog));
        }
        finally
        {
            Directory.Delete(logDirectory, recursive: true);
        }
    }
}
