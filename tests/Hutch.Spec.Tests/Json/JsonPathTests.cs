namespace Hutch.Spec.Tests.Json;

public class JsonPathTests
{
    [Fact]
    public void Converts_decoder_paths_to_the_spec_style()
    {
        Assert.Equal("", JsonDecoding.ToSpecPath("$"));
        Assert.Equal("ociVersion", JsonDecoding.ToSpecPath("$.ociVersion"));
        Assert.Equal("linux.namespaces[1].type", JsonDecoding.ToSpecPath("$.linux.namespaces[1].type"));
        Assert.Equal("linux.netDevices[\"eth0\"].name", JsonDecoding.ToSpecPath("$.linux.netDevices.eth0.name"));
        Assert.Equal("annotations[\"a.b\"]", JsonDecoding.ToSpecPath("$.annotations['a.b']"));
        Assert.Equal("linux.sysctl[\"net.ipv4.ip_forward\"]", JsonDecoding.ToSpecPath("$.linux.sysctl['net.ipv4.ip_forward']"));
        Assert.Null(JsonDecoding.ToSpecPath(null));
    }
}
