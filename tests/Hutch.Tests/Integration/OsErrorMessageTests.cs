using System.Diagnostics;

namespace Hutch.Tests.Integration;

/// <summary>
/// OS errors in hutch's words (the operation, the path, the kernel's reason), never .NET's
/// ("No space left on device : '...'", "Read-only file system : '...'"), provoked for real on a
/// tmpfs that is full or read-only, in a private mount namespace (`unshare -m`).
/// </summary>
public sealed class OsErrorMessageTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void A_full_state_disk_is_told_as_no_space_left_and_leaves_nothing()
    {
        // The state root fits in 16 KiB, a 64 KiB config.json copy does not.
        var bundle = host.Bundle(c => c.Annotations = new Dictionary<string, string> { ["pad"] = new string('x', 65536) });
        var outcome = InPrivateTmpfs("size=16k", "--root", "$MNT/root", "create", "--bundle", bundle, host.NewId("enospc"), ";",
            "echo left: $(ls -A $MNT/root)");

        Assert.Contains("hutch: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("config.json: cannot keep a copy of config.json: no space left on device", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("No space left on device :", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("exit 1", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("left:\n", outcome.Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void A_read_only_pid_file_and_log_are_told_as_read_only()
    {
        var bundle = host.Bundle();
        var id = host.NewId("erofs");
        try
        {
            var pidFile = InPrivateTmpfs("ro", "--root", host.Root, "create", "--pid-file", "$MNT/pid", "--bundle", bundle, id);
            var log = InPrivateTmpfs("ro", "--log", "$MNT/log.json", "--root", host.Root, "list");

            Assert.Contains("hutch: write the pid file ", pidFile.Stderr, StringComparison.Ordinal);
            Assert.Contains("/pid: read-only file system", pidFile.Stderr, StringComparison.Ordinal);
            Assert.Contains("exit 1", pidFile.Stdout, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(host.Root, id)), "the failed create left its state directory");
            Assert.Contains("hutch: cannot open log file ", log.Stderr, StringComparison.Ordinal);
            Assert.Contains("/log.json: read-only file system (check --log)", log.Stderr, StringComparison.Ordinal);
            foreach (var outcome in new[] { pidFile, log })
            {
                Assert.DoesNotContain("Read-only file system :", outcome.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("Access to the path", outcome.Stderr, StringComparison.Ordinal);
            }
        }
        finally
        {
            host.Hutch("delete", "--force", id);
        }
    }

    /// <summary>
    /// Runs bin/hutch with <paramref name="args"/> ($MNT expanded) in a new mount namespace with a
    /// tmpfs (<paramref name="options"/>) at $MNT; stdout gets "exit N" and what follows ";".
    /// </summary>
    private static Outcome InPrivateTmpfs(string options, params string[] args)
    {
        var mnt = Directory.CreateTempSubdirectory("hutch-oserr-").FullName;
        try
        {
            var split = Array.IndexOf(args, ";");
            var hutchArgs = split < 0 ? args : args[..split];
            var after = split < 0 ? "" : string.Join(' ', args[(split + 1)..]);
            var script = "mount --make-rprivate / && mount -t tmpfs -o " + options + " tmpfs \"$MNT\" || exit 99\n" +
                         "\"$HUTCH\" " + string.Join(' ', hutchArgs.Select(a => a.Contains("$MNT", StringComparison.Ordinal) ? "\"" + a + "\"" : "'" + a + "'")) +
                         " </dev/null 2>\"$ERR\"; echo \"exit $?\"\n" + after + "\n";
            var err = Path.Combine(Path.GetTempPath(), "hutch-oserr-" + Guid.NewGuid().ToString("N") + ".err");
            var start = new ProcessStartInfo("/usr/bin/unshare") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "-m", "/bin/sh", "-c", script })
            {
                start.ArgumentList.Add(a);
            }
            start.Environment["MNT"] = mnt;
            start.Environment["HUTCH"] = HutchBinary.PathName;
            start.Environment["ERR"] = err;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "unshare did not exit");
            Assert.True(process.ExitCode != 99, "could not mount the tmpfs");
            var stderr = File.Exists(err) ? File.ReadAllText(err) : "";
            File.Delete(err);
            return new Outcome(process.ExitCode, stdout, stderr);
        }
        finally
        {
            Directory.Delete(mnt);
        }
    }
}
