using System.Text;

namespace Hutch.Tests.Integration;

/// <summary>
/// exec --process FILE goes through create's rules: a NUL, invalid UTF-8 or a duplicate member is
/// refused at decoding with its JSON path, and the process rules (lengths, ranges, rlimits) apply
/// as to config.json's process. Before, such a process reached the kernel and was cut or failed late.
/// </summary>
public sealed class ExecProcessFileRulesTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void A_bad_process_file_is_refused_with_its_path()
    {
        var id = host.NewId("procfile");
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "1000"]);
        var run = host.Hutch("run", "--detach", "--bundle", bundle, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        var file = Path.Combine(Path.GetTempPath(), "hutch-procfile-" + Guid.NewGuid().ToString("N")[..12] + ".json");
        try
        {
            Outcome Exec(string json)
            {
                File.WriteAllBytes(file, Encoding.UTF8.GetBytes(json));
                return host.Hutch("exec", "--process", file, id);
            }

            var nul = Exec("""{"args":["sh","-c","echo a\u0000b"],"cwd":"/","user":{"uid":0,"gid":0}}""");
            var twice = Exec("""{"args":["true"],"cwd":"/","cwd":"/tmp","user":{"uid":0,"gid":0}}""");
            var rlimit = Exec("""{"args":["true"],"cwd":"/","user":{"uid":0,"gid":0},"rlimits":[{"type":"RLIMIT_NOFILE","soft":2048,"hard":1024}]}""");
            var console = Exec("""{"args":["true"],"cwd":"/","user":{"uid":0,"gid":0},"consoleSize":{"height":70000,"width":80}}""");
            var fine = Exec("""{"args":["echo","ok"],"cwd":"/","user":{"uid":0,"gid":0}}""");

            Assert.Equal(255, nul.ExitCode);
            Assert.Contains($"hutch: {file}: args[2]: the string holds a NUL character", nul.Stderr, StringComparison.Ordinal);
            Assert.Equal(255, twice.ExitCode);
            Assert.Contains($"{file}: cwd: appears twice in the same object", twice.Stderr, StringComparison.Ordinal);
            Assert.Equal(255, rlimit.ExitCode);
            Assert.Contains("process.rlimits[0]: soft limit 2048 is above hard limit 1024", rlimit.Stderr, StringComparison.Ordinal);
            Assert.Equal(255, console.ExitCode);
            Assert.Contains("process.consoleSize.height: is 70000", console.Stderr, StringComparison.Ordinal);
            Assert.True(fine.ExitCode == 0, fine.ToString());
            Assert.Equal("ok\n", fine.Stdout);
        }
        finally
        {
            File.Delete(file);
            host.Hutch("delete", "--force", id);
        }
    }
}
