using System.Text;
using System.Text.Json;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

/// <summary>The hand-written status converter reads and writes what the enum converter it replaced did.</summary>
public sealed class ContainerStatusJsonTests
{
    private static readonly JsonSerializerOptions Options = new();

    private static ContainerStatus Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return new ContainerStatusJsonConverter().Read(ref reader, typeof(ContainerStatus), Options);
    }

    [Theory]
    [InlineData("\"creating\"", 0)]
    [InlineData("\"created\"", 1)]
    [InlineData("\"Running\"", 2)]
    [InlineData("\"PAUSED\"", 3)]
    [InlineData("\"stopped\"", 4)]
    [InlineData("2", 2)]
    public void Reads_names_in_any_case_and_numbers(string json, int expected) => Assert.Equal((ContainerStatus)expected, Read(json));

    [Theory]
    [InlineData("\"gone\"")]
    [InlineData("7")]
    [InlineData("null")]
    [InlineData("true")]
    public void Anything_else_is_a_json_error(string json) => Assert.Throws<JsonException>(() => Read(json));

    [Fact]
    public void Writes_the_spec_lower_case_string()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new ContainerStatusJsonConverter().Write(writer, ContainerStatus.Paused, Options);
        }
        Assert.Equal("\"paused\"", Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
