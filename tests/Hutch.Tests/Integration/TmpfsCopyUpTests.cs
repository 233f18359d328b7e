using System.Text.Json;
using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>
/// A bare config.json with tmpcopyup through bin/hutch: /run (bind-mounted from a host folder the
/// test seeds, since the shared rootfs is read by every test) is covered by a tmpfs
/// that holds its copy: a file with its owner, mode and xattr, a symlink, a subdirectory. Seen from
/// the host through /proc/PID/root of the created container; the host folder is left as it was.
/// </summary>
public sealed class TmpfsCopyUpTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    // Prints what the copy holds, as the host sees it through the container's root.
    private const string Inspect = """
        import os, sys
        root = sys.argv[1]
        f = root + "/run/file"
        st = os.lstat(f)
        print(oct(st.st_mode & 0o7777), st.st_uid, st.st_gid)
        print(open(f).read().strip())
        print(os.readlink(root + "/run/link"))
        print(oct(os.lstat(root + "/run/sub").st_mode & 0o7777))
        try:
            print(os.getxattr(f, "user.hutch").decode())
        except OSError as e:
            print("no xattr", e.errno)
        for line in open("/proc/%s/mounts" % sys.argv[2]):
            fields = line.split()
            if fields[1] == "/run":
                print(fields[0], fields[2])
        """;

    [ContainerFact]
    public void A_tmpfs_with_tmpcopyup_holds_a_copy_of_the_directory_it_covers()
    {
        using var seeded = new SeededFolder();
        var id = host.NewId();
        var bundle = host.Bundle(c =>
        {
            c.Process!.Args = ["sleep", "30"];
            c.Mounts!.Add(new Mount { Destination = "/run", Type = "bind", Source = seeded.Path, Options = ["rbind", "ro"] });
            c.Mounts.Add(new Mount { Destination = "/run", Type = "tmpfs", Source = "tmpfs", Options = ["rw", "nosuid", "nodev", "tmpcopyup"] });
        });
        try
        {
            var created = host.Hutch("create", "--bundle", bundle, id);
            Assert.True(created.ExitCode == 0, created.ToString());
            var state = JsonDocument.Parse(host.Hutch("state", id).Stdout).RootElement;
            var pid = state.GetProperty("pid").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

            var seen = ContainerHost.HostCommand("python3", "-c", Inspect, $"/proc/{pid}/root", pid).Split('\n');

            Assert.Equal("0o640 1234 5678", seen[0]);
            Assert.Equal("seeded contents", seen[1]);
            Assert.Equal("file", seen[2]);
            Assert.Equal("0o710", seen[3]);
            Assert.Equal(seeded.HasXattr ? "copied xattr" : "no xattr 95", seen[4]);
            // The bind mount underneath, then the tmpfs on top of it.
            var mounts = seen.Skip(5).Where(l => l.Length > 0).ToList();
            Assert.Equal(2, mounts.Count);
            Assert.Equal("tmpfs tmpfs", mounts[1]);
            // The tmpfs took the copy: the read-only bind below it is untouched, the copy is writable.
            var write = ContainerHost.HostCommand("sh", "-c", $"echo new > /proc/{pid}/root/run/new && cat /proc/{pid}/root/run/new");
            Assert.Equal("new\n", write);
            Assert.False(File.Exists(System.IO.Path.Combine(seeded.Path, "new")));
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    /// <summary>A host folder with a file (owner 1234:5678, mode 0640, a user.* xattr where the filesystem allows), a symlink and a subdirectory.</summary>
    private sealed class SeededFolder : IDisposable
    {
        public SeededFolder()
        {
            Path = Directory.CreateTempSubdirectory("hutch-seeded-").FullName;
            var file = System.IO.Path.Combine(Path, "file");
            File.WriteAllText(file, "seeded contents\n");
            ContainerHost.HostCommand("chown", "1234:5678", file);
            ContainerHost.HostCommand("chmod", "0640", file);
            File.CreateSymbolicLink(System.IO.Path.Combine(Path, "link"), "file");
            var sub = Directory.CreateDirectory(System.IO.Path.Combine(Path, "sub")).FullName;
            ContainerHost.HostCommand("chmod", "0710", sub);
            HasXattr = ContainerHost.HostCommand("python3", "-c",
                "import os, sys\ntry:\n    os.setxattr(sys.argv[1], 'user.hutch', b'copied xattr'); print('yes')\nexcept OSError:\n    print('no')", file).Trim() == "yes";
        }

        public string Path { get; }

        public bool HasXattr { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
