namespace Hutch.Linux.Tests;

/// <summary>System.IO's exceptions told in hutch's words: the errno's text, the path first, never .NET's phrasing.</summary>
public class IoErrorsTests
{
    [Fact]
    public void An_errno_in_HResult_becomes_its_text()
    {
        var e = new IOException("No space left on device : '/run/hutch/x/config.json'", Errno.ENOSPC);

        Assert.Equal("no space left on device", IoErrors.Describe(e));
        Assert.Equal("/run/hutch/x/config.json: no space left on device", IoErrors.MessageOf(e));
    }

    [Fact]
    public void An_access_error_tells_the_errno_of_its_inner_exception()
    {
        var e = new UnauthorizedAccessException("Access to the path '/x/y' is denied.", new IOException("Read-only file system", Errno.EROFS));

        Assert.Equal("/x/y: read-only file system", IoErrors.MessageOf(e));
    }

    [Fact]
    public void A_NUL_in_a_path_is_named_without_the_parameter()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => File.ReadAllBytes("/etc/pa\0sswd"));

        Assert.Equal("the path holds a NUL character, which no path can hold", IoErrors.MessageOf(e));
        Assert.DoesNotContain("Parameter", IoErrors.MessageOf(e), StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_failure_reads_like_the_kernel()
    {
        var e = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes("/proc/self/does-not-exist"));

        Assert.Equal("/proc/self/does-not-exist: no such file or directory", IoErrors.MessageOf(e));
    }

    [Fact]
    public void Hutch_exceptions_keep_their_message()
    {
        var e = new Hutch.Linux.Paths.PathException("open", "/x", Errno.ENOENT, "why");

        Assert.Equal(e.Message, IoErrors.MessageOf(e));
    }
}
