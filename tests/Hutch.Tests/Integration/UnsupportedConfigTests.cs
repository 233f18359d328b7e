using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>What hutch cannot do yet is refused or warned about, never ignored silently.</summary>
public sealed class UnsupportedConfigTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Systemd_cgroup_is_refused_and_nothing_is_left()
    {
        var id = host.NewId();
        var bundle = host.Bundle();

        var outcome = host.Hutch("--systemd-cgroup", "create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("--systemd-cgroup is not supported", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }
}
