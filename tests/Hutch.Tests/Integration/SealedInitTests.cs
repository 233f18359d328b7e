using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Runtime.Init;

namespace Hutch.Tests.Integration;

/// <summary>CVE-2019-5736: the init runs from a sealed memfd, never from the host's hutch file.</summary>
public sealed class SealedInitTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void The_inits_exe_is_a_sealed_memfd_that_cannot_be_opened_for_writing()
    {
        var id = host.NewId();
        var bundle = host.Bundle(c => c.Process!.Args = ["sleep", "30"]);
        var pidFile = Path.Combine(bundle, "pid");
        Assert.Equal(0, host.Hutch("create", "--bundle", bundle, "--pid-file", pidFile, id).ExitCode);
        var exe = $"/proc/{int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture)}/exe";

        Assert.StartsWith("/memfd:hutch", new FileInfo(exe).LinkTarget, StringComparison.Ordinal);
        Assert.ThrowsAny<IOException>(() => File.Open(exe, FileMode.Open, FileAccess.Write).Dispose());
        var rc = Libc.OpenAt(null, exe, Libc.O_RDONLY, 0, out var fd);
        using (fd)
        {
            Assert.Equal(0, rc);
            Assert.Equal((int)SealedSelfCopy.AllSeals, SealedSelfCopy.GetSeals(fd));
        }
        Assert.Equal(0, host.Hutch("delete", "--force", id).ExitCode);
    }
}
