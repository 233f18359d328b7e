using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// podman's tmpfs mounts through hutch: podman adds tmpcopyup to every tmpfs it makes
/// (`--read-only`, `--tmpfs`, `--mount type=tmpfs`, `--systemd=always`), so each exits 0 and
/// shows a tmpfs holding a copy of what the image had there, with its owner, mode and symlink.
/// The image is the busybox one plus seeded files under /run, /tmp, /var/tmp and /seeded.
/// </summary>
public sealed class PodmanTmpfsTests(PodmanHost podman) : IClassFixture<PodmanHost>
{
    private const string Seeded = "localhost/hutch-busybox:seeded";

    // Prints, for a directory: its mount line, then mode/owner of the seeded file, its text and the symlink.
    private static string Show(string dir) =>
        $"grep ' {dir} tmpfs ' /proc/mounts | cut -d' ' -f1-3; stat -c '%a %u:%g' {dir}/seeded/file; cat {dir}/seeded/file; readlink {dir}/seeded/link; ";

    private static string Expected(string dir) => $"tmpfs {dir} tmpfs\n640 1234:5678\nseeded in {dir}\nfile\n";

    private readonly Lazy<bool> _image = new(() => ImportSeeded(podman));

    private static bool ImportSeeded(PodmanHost podman)
    {
        var work = Directory.CreateTempSubdirectory("hutch-seeded-").FullName;
        try
        {
            var rootfs = Path.Combine(work, "rootfs");
            ContainerHost.HostCommand("cp", "-a", ContainerHost.Rootfs, rootfs);
            foreach (var dir in new[] { "/run", "/tmp", "/var/tmp", "/seeded-dir" })
            {
                var seeded = Path.Combine(rootfs + dir, "seeded");
                Directory.CreateDirectory(seeded);
                File.WriteAllText(Path.Combine(seeded, "file"), $"seeded in {dir}\n");
                ContainerHost.HostCommand("chown", "1234:5678", Path.Combine(seeded, "file"));
                ContainerHost.HostCommand("chmod", "0640", Path.Combine(seeded, "file"));
                File.CreateSymbolicLink(Path.Combine(seeded, "link"), "file");
            }
            var tarball = Path.Combine(work, "seeded.tar");
            ContainerHost.HostCommand("tar", "-C", rootfs, "-cf", tarball, ".");
            var imported = podman.Podman("import", tarball, Seeded);
            return imported.ExitCode == 0 ? true : throw new InvalidOperationException("podman import failed: " + imported);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private Outcome Run(string[] options, string script)
    {
        _ = _image.Value;
        return podman.Podman(["run", "--rm", "--name", PodmanHost.NewName(), .. PodmanHost.RunOptions, .. options, Seeded, "sh", "-c", script]);
    }

    [PodmanFact]
    public void Run_read_only_gets_tmpfs_run_tmp_and_var_tmp_with_the_images_content()
    {
        var run = Run(["--read-only"], Show("/run") + Show("/tmp") + Show("/var/tmp") + "touch /new 2>/dev/null || echo read-only root");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Expected("/run") + Expected("/tmp") + Expected("/var/tmp") + "read-only root\n", run.Stdout);
    }

    [PodmanFact]
    public void Run_tmpfs_copies_the_directory_it_covers()
    {
        var run = Run(["--tmpfs", "/seeded-dir"], Show("/seeded-dir") + "echo new > /seeded-dir/new && cat /seeded-dir/new");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Expected("/seeded-dir") + "new\n", run.Stdout);
    }

    [PodmanFact]
    public void Run_mount_type_tmpfs_copies_the_directory_it_covers_and_keeps_its_options()
    {
        var run = Run(["--mount", "type=tmpfs,destination=/seeded-dir,tmpfs-size=1m,tmpfs-mode=0700"],
            Show("/seeded-dir") + "stat -c '%a' /seeded-dir; grep ' /seeded-dir ' /proc/mounts | grep -o 'size=1024k'");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Expected("/seeded-dir") + "700\nsize=1024k\n", run.Stdout);
    }

    [PodmanFact]
    public void Run_mount_type_tmpfs_with_notmpcopyup_is_empty()
    {
        var run = Run(["--mount", "type=tmpfs,destination=/seeded-dir,notmpcopyup"], "ls -A /seeded-dir; echo end");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("end\n", run.Stdout);
    }

    [PodmanFact]
    public void Run_systemd_always_gets_its_tmpfs_mounts_with_the_images_content()
    {
        var run = Run(["--systemd=always"], Show("/run") + Show("/tmp") + "grep -c ' /run/lock tmpfs ' /proc/mounts");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Expected("/run") + Expected("/tmp") + "1\n", run.Stdout);
    }
}
