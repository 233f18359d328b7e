using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>What hutch cannot do yet is refused or warned about, never ignored silently.</summary>
public sealed class UnsupportedConfigTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void Resources_without_cgroup_support_are_named_in_a_warning()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Linux!.Resources = new LinuxResources { Pids = new LinuxPids { Limit = 10 } });

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("linux.resources and linux.cgroupsPath are not applied", outcome.Stderr, StringComparison.Ordinal);
    }

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
