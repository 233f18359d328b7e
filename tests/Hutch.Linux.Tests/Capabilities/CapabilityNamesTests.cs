using System.Globalization;
using System.Text.RegularExpressions;
using Hutch.Linux.Capabilities;

namespace Hutch.Linux.Tests.Capabilities;

/// <summary>Capability names and numbers against linux/capability.h and this kernel.</summary>
public sealed partial class CapabilityNamesTests
{
    [GeneratedRegex(@"^#define (CAP_[A-Z_]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CapDefine();

    [Fact]
    public void The_table_matches_the_kernel_header()
    {
        const string header = "/usr/include/linux/capability.h";
        Assert.True(File.Exists(header), "needs linux/capability.h (apt-get install linux-libc-dev)");
        var defined = CapDefine().Matches(File.ReadAllText(header))
            .Select(m => (Name: m.Groups[1].Value, Number: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .Where(d => d.Name != "CAP_LAST_CAP")
            .ToDictionary(d => d.Name, d => d.Number);

        foreach (var (name, number) in defined)
        {
            Assert.Equal(number, CapabilityNames.Number(name));
        }
        Assert.Equal(defined.Count, CapabilityNames.All.Length);
    }

    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("CAP_SETPCAP", 8)]
    [InlineData("CAP_NET_BIND_SERVICE", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void Names_and_numbers_round_trip(string name, int number)
    {
        Assert.Equal(number, CapabilityNames.Number(name));
        Assert.Equal(name, CapabilityNames.Name(number));
    }

    [Theory]
    [InlineData("cap_kill")]
    [InlineData("KILL")]
    [InlineData("CAP_FLY")]
    [InlineData("")]
    public void Other_spellings_are_unknown(string name) => Assert.Null(CapabilityNames.Number(name));

    [Fact]
    public void A_number_past_the_table_gets_a_numeric_name() => Assert.Equal("CAP_41", CapabilityNames.Name(41));

    [Fact]
    public void This_kernel_knows_every_capability_in_the_table() =>
        Assert.True(ThreadCapabilities.LastCapability() >= CapabilityNames.All.Length - 1);

    [Fact]
    public void Sets_are_64_bit_masks()
    {
        var set = CapabilitySet.Of([0, 5, 40]);

        Assert.Equal((1UL << 40) | 0x21UL, set.Bits);
        Assert.Equal("0000010000000021", set.ToString());
        Assert.Equal([0, 5, 40], set.Numbers());
        Assert.True(set.Contains(5) && !set.Contains(6));
        Assert.Equal(3, set.Count);
        Assert.Equal(0x1FF_FFFF_FFFFUL, CapabilitySet.UpTo(40).Bits);
        Assert.Equal(ulong.MaxValue, CapabilitySet.UpTo(63).Bits);
        Assert.True(set.IsSubsetOf(CapabilitySet.UpTo(40)) && !CapabilitySet.UpTo(40).IsSubsetOf(set));
    }
}
