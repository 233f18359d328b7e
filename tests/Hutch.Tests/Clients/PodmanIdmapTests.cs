using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// podman 4.3's `-v DIR:/data:idmap` through hutch: podman passes "idmap" among the bind's options
/// (["idmap", "rw", "rprivate", "rbind"]) and, with --uidmap/--gidmap, a user namespace; hutch
/// id-maps the volume with that namespace, so a host directory of root's is the container's
/// root's, and what the container writes there is root's on the host (not 100000's).
/// </summary>
public sealed class PodmanIdmapTests(PodmanHost podman) : IClassFixture<PodmanHost>
{
    private static readonly string[] UserNamespace = ["--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"];

    [PodmanFact]
    public void Run_with_an_idmap_volume_reads_and_writes_a_root_owned_host_directory_as_root()
    {
        var volume = Path.Combine("/tmp", "hutch-pidm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(volume);
        try
        {
            ContainerHost.HostCommand("chmod", "0755", volume);
            File.WriteAllText(Path.Combine(volume, "secret"), "for root\n");
            ContainerHost.HostCommand("chmod", "0600", Path.Combine(volume, "secret"));

            var run = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), .. UserNamespace, "-v", volume + ":/data:idmap",
                .. PodmanHost.RunOptions, PodmanHost.Image,
                "sh", "-c", "id -u; stat -c %u:%g /data/secret; cat /data/secret; echo hi > /data/written; grep -c ' /data .*idmapped' /proc/self/mountinfo"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("0\n0:0\nfor root\n1\n", run.Stdout);
            Assert.Equal("0:0", ContainerHost.HostCommand("stat", "-c", "%u:%g", Path.Combine(volume, "written")).Trim());
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    /// <summary>Without a user namespace, idmap has no mapping to take: hutch refuses (config.md: an error MUST be returned) and podman says why.</summary>
    [PodmanFact]
    public void Run_with_an_idmap_volume_and_no_user_namespace_fails_with_hutch_s_reason()
    {
        var volume = Path.Combine("/tmp", "hutch-pidm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(volume);
        try
        {
            var run = podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), "-v", volume + ":/data:idmap",
                .. PodmanHost.RunOptions, PodmanHost.Image, "true"]);

            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("asks for an id-mapped mount (idmap/ridmap) but the mount has no uidMappings/gidMappings and the container has no user namespace",
                run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }
}
