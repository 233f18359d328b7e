using System.Text.Json.Nodes;

namespace Hutch.Tests.Integration;

/// <summary>
/// uid/gid 4294967295 is (uid_t)-1, "unchanged" to setresuid(2): before the range check, a
/// container or exec'd process given that id kept the runtime's root. Every way an id enters is
/// refused (config.json, exec --user, exec --process), and nothing is left behind.
/// </summary>
public sealed class UserIdRangeTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Create_refuses_uid_and_gid_4294967295_with_the_json_path_and_leaves_nothing()
    {
        var id = host.NewId("uid");
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["id"];
            c.Process.User.Uid = uint.MaxValue;
            c.Process.User.Gid = uint.MaxValue;
        });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("process.user.uid: is 4294967295", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("process.user.gid: is 4294967295", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("uid=0", outcome.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)));
    }

    [ContainerFact]
    public void Exec_refuses_user_4294967295_from_the_flag_and_from_a_process_file()
    {
        var id = host.NewId("uid");
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "1000"]);
        var run = host.Hutch("run", "--detach", "--bundle", bundle, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        var processFile = Path.Combine(Path.GetTempPath(), "hutch-uid-" + Guid.NewGuid().ToString("N")[..12] + ".json");
        try
        {
            var flag = host.Hutch("exec", "--user", "4294967295:4294967295", id, "id", "-u");
            File.WriteAllText(processFile, new JsonObject
            {
                ["args"] = new JsonArray("id", "-u"),
                ["cwd"] = "/",
                ["user"] = new JsonObject { ["uid"] = 4294967295L, ["gid"] = 0 },
            }.ToJsonString());
            var file = host.Hutch("exec", "--process", processFile, id);
            var gids = host.Hutch("exec", "--additional-gids", "4294967295", id, "id", "-u");
            var fine = host.Hutch("exec", "--user", "2147483647:2147483647", id, "id", "-u");

            Assert.Equal(255, flag.ExitCode);
            Assert.Contains("--user 4294967295:4294967295: the uid is 4294967295", flag.Stderr, StringComparison.Ordinal);
            Assert.Equal(255, file.ExitCode);
            Assert.Contains("process.user.uid: is 4294967295", file.Stderr, StringComparison.Ordinal);
            Assert.Equal(255, gids.ExitCode);
            Assert.Contains("--additional-gids 4294967295", gids.Stderr, StringComparison.Ordinal);
            foreach (var refused in new[] { flag, file, gids })
            {
                Assert.DoesNotContain("0", refused.Stdout, StringComparison.Ordinal);
            }
            Assert.True(fine.ExitCode == 0, fine.ToString());
            Assert.Equal("2147483647\n", fine.Stdout);
        }
        finally
        {
            File.Delete(processFile);
            host.Hutch("delete", "--force", id);
        }
    }
}
