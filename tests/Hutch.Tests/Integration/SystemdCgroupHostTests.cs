using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// `--systemd-cgroup` on this host, where no systemd runs: a clear error and nothing left behind.
/// The driver itself is tested inside a systemd node (Clients/SystemdNodeTests.cs).
/// </summary>
public sealed class SystemdCgroupHostTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [NoSystemdContainerFact]
    public void Without_systemd_the_driver_fails_clearly_and_leaves_nothing()
    {
        var id = host.NewId();
        var bundle = host.Bundle();

        var outcome = host.Hutch("--systemd-cgroup", "create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("systemd cgroup driver: cannot connect to systemd over D-Bus", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("leave --systemd-cgroup out", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }

    [ContainerFact]
    public void A_cgroups_path_not_of_the_slice_prefix_name_form_is_refused_naming_the_field()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Linux!.CgroupsPath = "/not/a/systemd/path");

        var outcome = host.Hutch("--systemd-cgroup", "create", "--bundle", bundle, id);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("linux.cgroupsPath: \"/not/a/systemd/path\" is not of the form \"slice:prefix:name\"", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "no state directory is left");
    }
}

/// <summary>A container test for a host where systemd is not the init (/run/systemd/system is missing).</summary>
public sealed class NoSystemdContainerFactAttribute : FactAttribute
{
    public NoSystemdContainerFactAttribute()
    {
        Skip = new ContainerFactAttribute().Skip
            ?? (Directory.Exists("/run/systemd/system") ? "systemd is the init of this host: the systemd cgroup driver would work here" : null);
    }
}
