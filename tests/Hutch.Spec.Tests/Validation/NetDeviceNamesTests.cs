namespace Hutch.Spec.Tests.Validation;

public class NetDeviceNamesTests
{
    [Theory]
    [InlineData("eth0")]
    [InlineData("a")]
    [InlineData("enp0s31f6")]
    [InlineData("veth-1_2.x")]
    [InlineData("abcdefghijklmno")]          // 15 bytes: the longest the kernel takes
    [InlineData("abcdefghijklm\u00E1")]      // 13 ASCII + 'á' (C3 A1) = 15 bytes
    [InlineData("\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9")] // 7 x 2 bytes = 14 bytes
    public void Valid_names_pass_both_checks(string name)
    {
        Assert.Null(NetDeviceNames.CheckHostName(name));
        Assert.Null(NetDeviceNames.CheckContainerName(name));
        Assert.False(NetDeviceNames.IsTemplate(name));
    }

    [Theory]
    [InlineData("abcdefghijklmnop", 16)]                  // 16 ASCII bytes
    [InlineData("abcdefghijklmn\u00E1", 16)]              // 14 chars, 15 + 1 = 16 bytes
    [InlineData("\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9", 16)] // 8 chars, 16 bytes
    [InlineData("\u4E2D\u4E2D\u4E2D\u4E2D\u4E2D\u4E2D", 18)] // 6 chars x 3 bytes
    [InlineData("abcdefghijklmnopqrstuvwxyz", 26)]
    public void Names_longer_than_15_bytes_are_refused_with_their_byte_count(string name, int bytes)
    {
        foreach (var why in new[] { NetDeviceNames.CheckHostName(name), NetDeviceNames.CheckContainerName(name) })
        {
            Assert.NotNull(why);
            Assert.Contains($"is {bytes} bytes long", why);
            Assert.Contains("at most 15 (IFNAMSIZ-1)", why);
        }
    }

    [Fact]
    public void A_multibyte_name_names_its_character_count_too()
    {
        var why = NetDeviceNames.CheckContainerName("abcdefghijklmn\u00E1");
        Assert.Equal("is 16 bytes long (15 characters); the kernel allows at most 15 (IFNAMSIZ-1)", why);
    }

    [Fact]
    public void ByteCount_counts_utf8_bytes()
    {
        Assert.Equal(4, NetDeviceNames.ByteCount("eth0"));
        Assert.Equal(2, NetDeviceNames.ByteCount("\u00E9"));
        Assert.Equal(3, NetDeviceNames.ByteCount("\u4E2D"));
        Assert.Equal(4, NetDeviceNames.ByteCount("\U0001F600"));
    }

    [Fact]
    public void Empty_is_refused()
    {
        Assert.Contains("is empty", NetDeviceNames.CheckHostName(""));
        Assert.Contains("is empty", NetDeviceNames.CheckContainerName(""));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void Dot_and_dot_dot_are_refused(string name)
    {
        Assert.Contains("refuses", NetDeviceNames.CheckHostName(name));
        Assert.Contains("refuses", NetDeviceNames.CheckContainerName(name));
    }

    [Theory]
    [InlineData("...")]
    [InlineData(".eth")]
    [InlineData("eth.")]
    public void Other_dotted_names_are_fine(string name)
    {
        Assert.Null(NetDeviceNames.CheckHostName(name));
        Assert.Null(NetDeviceNames.CheckContainerName(name));
    }

    [Theory]
    [InlineData("eth/0", "'/'")]
    [InlineData("/", "'/'")]
    [InlineData("eth:0", "':'")]
    [InlineData("eth\u00000", "a NUL character")]
    [InlineData("eth 0", "whitespace (U+0020)")]
    [InlineData("eth\t0", "whitespace (U+0009)")]
    [InlineData("eth\n0", "whitespace (U+000A)")]
    [InlineData("eth\v0", "whitespace (U+000B)")]
    [InlineData("eth\f0", "whitespace (U+000C)")]
    [InlineData("eth\r0", "whitespace (U+000D)")]
    [InlineData(" eth0", "whitespace (U+0020)")]
    [InlineData("eth0 ", "whitespace (U+0020)")]
    [InlineData("eth\u00A00", "whitespace (U+00A0)")]   // no-break space
    [InlineData("eth\u20030", "whitespace (U+2003)")]   // em space
    [InlineData("eth\u30000", "whitespace (U+3000)")]   // ideographic space
    [InlineData("eth\u00850", "whitespace (U+0085)")]   // next line
    public void Forbidden_characters_are_refused_with_their_position(string name, string what)
    {
        foreach (var why in new[] { NetDeviceNames.CheckHostName(name), NetDeviceNames.CheckContainerName(name) })
        {
            Assert.NotNull(why);
            Assert.Contains("contains " + what, why);
            Assert.Contains("at position", why);
        }
    }

    [Theory]
    [InlineData("\u00E0")]      // 'à' is C3 A0: the kernel's isspace(0xA0) is true, ip link add fails with EINVAL
    [InlineData("eth\u0120")]   // 'Ġ' is C4 A0
    public void Names_whose_utf8_holds_byte_A0_are_refused(string name)
    {
        Assert.Contains("byte 0xA0", NetDeviceNames.CheckHostName(name));
        Assert.Contains("byte 0xA0", NetDeviceNames.CheckContainerName(name));
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused()
    {
        Assert.Contains("not valid Unicode", NetDeviceNames.CheckContainerName("eth\uD800"));
    }

    [Theory]
    [InlineData("eth%d")]
    [InlineData("%d")]
    [InlineData("net%dx")]                  // the kernel accepts the %d anywhere
    [InlineData("abcdefghijklm%d")]         // 15 bytes
    public void One_percent_d_is_a_valid_container_template(string name)
    {
        Assert.Null(NetDeviceNames.CheckContainerName(name));
        Assert.True(NetDeviceNames.IsTemplate(name));
    }

    [Theory]
    [InlineData("eth%d")]
    [InlineData("eth%")]
    [InlineData("100%")]
    public void Host_names_may_not_hold_a_percent(string name)
    {
        Assert.Contains("contains '%'", NetDeviceNames.CheckHostName(name));
    }

    [Theory]
    [InlineData("e%d%d", "more than one '%'")]
    [InlineData("eth%d%", "more than one '%'")]
    [InlineData("eth%", "not followed by 'd'")]
    [InlineData("%s", "not followed by 'd'")]
    [InlineData("100%", "not followed by 'd'")]
    [InlineData("eth%D", "not followed by 'd'")]
    [InlineData("%%d", "not followed by 'd'")]
    [InlineData("%", "not followed by 'd'")]
    public void Other_uses_of_percent_are_refused_in_container_names(string name, string why)
    {
        Assert.Contains(why, NetDeviceNames.CheckContainerName(name));
        Assert.False(NetDeviceNames.IsTemplate(name));
    }

    [Fact]
    public void A_16_byte_template_is_refused_for_its_length()
    {
        Assert.Contains("is 16 bytes long", NetDeviceNames.CheckContainerName("abcdefghijklmn%d"));
    }
}
