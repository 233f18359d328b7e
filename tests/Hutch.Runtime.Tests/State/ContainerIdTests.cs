using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

public class ContainerIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("busybox")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("my_container.v1+build-2")]
    [InlineData("...")]
    [InlineData(".hidden")]
    [InlineData("-leading-dash")]
    public void Valid_ids_pass(string id) => Assert.Null(ContainerId.Check(id));

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "may not be \".\" or \"..\"")]
    [InlineData("..", "may not be \".\" or \"..\"")]
    [InlineData("a/b", "character '/' at position 2")]
    [InlineData("../etc", "character '/' at position 3")]
    [InlineData("a b", "character U+0020 at position 2")]
    [InlineData(" a", "character U+0020 at position 1")]
    [InlineData("a\tb", "U+0009")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("a,b", "character ',' at position 2")]
    [InlineData("a:b", "character ':' at position 2")]
    [InlineData("a@b", "character '@'")]
    [InlineData("é", "character 'é'")]
    public void Invalid_ids_are_refused_with_what_is_allowed(string id, string expected)
    {
        var reason = ContainerId.Check(id);
        Assert.NotNull(reason);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
        Assert.Contains("ASCII letters, digits, '_', '+', '-' and '.'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_refused() => Assert.NotNull(ContainerId.Check(null));

    [Fact]
    public void An_id_longer_than_a_directory_name_is_refused()
    {
        Assert.Null(ContainerId.Check(new string('a', 255)));
        var reason = ContainerId.Check(new string('a', 256));
        Assert.NotNull(reason);
        Assert.Contains("256 characters long; the limit is 255", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_throws_with_the_reason()
    {
        var e = Assert.Throws<InvalidContainerIdException>(() => ContainerId.Validate("a/b"));
        Assert.Equal("a/b", e.Id);
        Assert.Equal(ContainerId.Check("a/b"), e.Message);
    }
}
