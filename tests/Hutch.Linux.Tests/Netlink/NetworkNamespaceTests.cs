using Hutch.Testing;
using System.Globalization;
using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>NetworkNamespace: opening, identifying and running code inside network namespaces.</summary>
public class NetworkNamespaceTests
{
    [Fact]
    public void Own_namespace_inode_matches_the_proc_link()
    {
        var link = new FileInfo("/proc/self/ns/net").LinkTarget!; // "net:[4026531840]"
        var expected = ulong.Parse(link[5..^1], CultureInfo.InvariantCulture);
        Assert.Equal(expected, NetworkNamespace.Inode("/proc/self/ns/net"));
    }

    [Fact]
    public void A_regular_file_is_refused_as_a_namespace()
    {
        var path = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<NetworkNamespaceException>(() => NetworkNamespace.Open(path));
            Assert.Contains("not a namespace file", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Another_kind_of_namespace_is_refused()
    {
        var e = Assert.Throws<NetworkNamespaceException>(() => NetworkNamespace.Open("/proc/self/ns/uts"));
        Assert.Contains("not a network namespace (it is `uts:[", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_named_namespace_says_how_to_create_one()
    {
        var e = Assert.Throws<NetworkNamespaceException>(() => NetworkNamespace.OpenNamed("hutch-no-such-ns"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("ip netns add", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public void Named_namespace_inode_matches_stat()
    {
        using var netns = TestNetns.Create();
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%i", netns.Path])
        {
            RedirectStandardOutput = true,
        })!;
        var expected = ulong.Parse(stat.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture);
        stat.WaitForExit();

        Assert.Equal(expected, NetworkNamespace.Inode(netns.Path));
        Assert.NotEqual(NetworkNamespace.Inode("/proc/self/ns/net"), expected);
    }

    [RootFact]
    public void RunIn_runs_inside_the_namespace_and_leaves_the_caller_where_it_was()
    {
        using var netns = TestNetns.Create();
        using var fd = NetworkNamespace.Open(netns.Path);
        var before = NetworkNamespace.Inode("/proc/thread-self/ns/net");

        var inside = NetworkNamespace.RunIn(fd, () => NetworkNamespace.Inode("/proc/thread-self/ns/net"));

        Assert.Equal(NetworkNamespace.Inode(netns.Path), inside);
        Assert.Equal(before, NetworkNamespace.Inode("/proc/thread-self/ns/net"));
    }

    [RootFact]
    public void RunIn_carries_exceptions_back_to_the_caller()
    {
        using var netns = TestNetns.Create();
        using var fd = NetworkNamespace.Open(netns.Path);
        var e = Assert.Throws<InvalidOperationException>(() => NetworkNamespace.RunIn(fd, () => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", e.Message);
    }
}
