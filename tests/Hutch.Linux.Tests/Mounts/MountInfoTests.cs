using Hutch.Linux.Mounts;

namespace Hutch.Linux.Tests.Mounts;

public class MountInfoTests
{
    [Fact]
    public void Parses_a_line_with_optional_fields_and_escapes()
    {
        const string Text = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n";

        var entry = Assert.Single(MountInfo.Parse(Text));

        Assert.Equal(36, entry.Id);
        Assert.Equal(35, entry.ParentId);
        Assert.Equal(98u, entry.Major);
        Assert.Equal("/mnt1", entry.Root);
        Assert.Equal("/mnt two", entry.MountPoint);
        Assert.True(entry.HasOption("noatime"));
        Assert.True(entry.HasPropagation("shared"));
        Assert.True(entry.HasPropagation("master"));
        Assert.Equal("ext3", entry.FsType);
        Assert.Equal("/dev/root", entry.Source);
        Assert.Contains("errors=continue", entry.SuperOptions);
    }
}
