using Hutch.Commands;

namespace Hutch.Tests;

/// <summary>`update`'s flags and --resources as a linux.resources object (runc's parsing).</summary>
public sealed class UpdateResourcesTests
{
    private static UpdateRequest Request(string? memory = null, string? swap = null, long? pids = null, string? shares = null,
        string? quota = null, long? blkio = null, string? resources = null, string? l3 = null) =>
        new("c", resources, blkio, null, quota, null, shares, null, null, null, null, memory, null, null, swap, pids, l3, null);

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("512m", 512L << 20)]
    [InlineData("512M", 512L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1gb", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("64k", 64L << 10)]
    [InlineData("1.5k", 1536L)]
    [InlineData("-1", -1L)]
    public void Sizes_take_runc_suffixes(string text, long expected) =>
        Assert.Equal(expected, UpdateResources.Size(text, "--memory"));

    [Theory]
    [InlineData("lots")]
    [InlineData("")]
    [InlineData("12q")]
    public void A_bad_size_names_the_flag_and_the_value(string text)
    {
        var e = Assert.Throws<CommandFailedException>(() => UpdateResources.Size(text, "--memory"));
        Assert.Contains($"--memory \"{text}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_fill_only_the_sections_they_name()
    {
        var r = UpdateResources.From(Request(memory: "64m", pids: 10));

        Assert.Equal(64L << 20, r.Memory!.Limit);
        Assert.Null(r.Memory.Swap);
        Assert.Equal(10, r.Pids!.Limit);
        Assert.Null(r.Cpu);
        Assert.Null(r.BlockIO);
    }

    [Fact]
    public void Cpu_flags_are_numbers()
    {
        var r = UpdateResources.From(Request(shares: "512", quota: "-1"));

        Assert.Equal(512UL, r.Cpu!.Shares);
        Assert.Equal(-1L, r.Cpu.Quota);
        Assert.Throws<CommandFailedException>(() => UpdateResources.From(Request(shares: "-5")));
    }

    [Fact]
    public void Blkio_weight_out_of_range_is_refused() =>
        Assert.Contains("10 to 1000", Assert.Throws<CommandFailedException>(() => UpdateResources.From(Request(blkio: 5))).Message, StringComparison.Ordinal);

    [Fact]
    public void Intel_rdt_schemas_are_refused() =>
        Assert.Contains("Intel RDT", Assert.Throws<CommandFailedException>(() => UpdateResources.From(Request(l3: "L3:0=f"))).Message, StringComparison.Ordinal);

    [Fact]
    public void A_resources_file_is_read_as_linux_resources()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"pids":{"limit":7},"memory":{"limit":1048576},"unified":{"memory.high":"max"}}""");
            var r = UpdateResources.From(Request(resources: file, memory: "1g"));

            Assert.Equal(7, r.Pids!.Limit);
            Assert.Equal(1048576L, r.Memory!.Limit); // the file wins over the flags, as in runc
            Assert.Equal("max", r.Unified!["memory.high"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bad_resources_file_names_the_json_path()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"pids":{"limit":"many"}}""");
            var e = Assert.ThrowsAny<Exception>(() => UpdateResources.From(Request(resources: file)));
            Assert.Contains("pids.limit", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
