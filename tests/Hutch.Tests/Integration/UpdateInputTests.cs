namespace Hutch.Tests.Integration;

/// <summary>`update --resources` goes through create's resource rules: a bad value is refused with its JSON path and changes nothing.</summary>
public sealed class UpdateInputTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Resources_out_of_range_are_refused_and_change_nothing()
    {
        var id = host.NewId("update");
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "1000"]);
        var file = Path.Combine(bundle, "resources.json");
        try
        {
            var run = host.Hutch("run", "--detach", "--bundle", bundle, id);
            Assert.True(run.ExitCode == 0, run.ToString());
            var before = File.ReadAllText(Path.Combine(host.Root, id, "config.json"));
            File.WriteAllText(file, """{"pids":{"limit":-5},"blockIO":{"throttleReadBpsDevice":[{"major":-8,"minor":0,"rate":1}]}}""");

            var update = host.Hutch("update", "--resources", file, id);

            Assert.Equal(1, update.ExitCode);
            Assert.Contains($"hutch: cannot update container {id}: linux.resources.pids.limit: is -5", update.Stderr, StringComparison.Ordinal);
            Assert.Contains("linux.resources.blockIO.throttleReadBpsDevice[0].major: is -8", update.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(Path.Combine(host.Root, id, "config.json")));
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }
}
