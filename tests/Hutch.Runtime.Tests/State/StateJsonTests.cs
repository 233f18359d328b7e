using System.Text;
using System.Text.Json;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

public class StateJsonTests
{
    [Fact]
    public void Oci_state_has_runtime_md_example_shape()
    {
        var state = TempStateRoot.NewState("oci-container1");
        state.Bundle = "/containers/redis";

        var json = StateJson.ToOciJson(state, ContainerStatus.Running);

        // runtime.md "State" example, field for field and in its order (two-space indent as `runc state`).
        const string expected = """
            {
              "ociVersion": "1.3.0",
              "id": "oci-container1",
              "status": "running",
              "pid": 4422,
              "bundle": "/containers/redis",
              "annotations": {
                "myKey": "myValue"
              }
            }
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), json.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Oci_state_holds_only_the_oci_fields()
    {
        var json = StateJson.ToOciJson(TempStateRoot.NewState("c1"), ContainerStatus.Created);
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["ociVersion", "id", "status", "pid", "bundle", "annotations"], names);
    }

    [Theory]
    [InlineData((int)ContainerStatus.Creating, "creating")]
    [InlineData((int)ContainerStatus.Created, "created")]
    [InlineData((int)ContainerStatus.Running, "running")]
    [InlineData((int)ContainerStatus.Paused, "paused")]
    [InlineData((int)ContainerStatus.Stopped, "stopped")]
    public void Status_is_the_lower_case_oci_string(int statusNumber, string expected)
    {
        var status = (ContainerStatus)statusNumber;
        using var doc = JsonDocument.Parse(StateJson.ToOciJson(TempStateRoot.NewState("c1"), status));
        Assert.Equal(expected, doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(expected, status.ToOciString());
    }

    [Fact]
    public void A_stopped_container_shows_pid_0_as_runc_state_does()
    {
        using var doc = JsonDocument.Parse(StateJson.ToOciJson(TempStateRoot.NewState("c1", pid: 777), ContainerStatus.Stopped));
        Assert.Equal(0, doc.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact]
    public void Pid_can_be_kept_for_poststop_hooks()
    {
        var bytes = StateJson.ToOciJsonUtf8(TempStateRoot.NewState("c1", pid: 777), ContainerStatus.Stopped, keepPidWhenStopped: true);
        Assert.Equal(777, StateJson.ParseOci(bytes).Pid);
    }

    [Fact]
    public void Pid_is_kept_while_created_or_running()
    {
        using var doc = JsonDocument.Parse(StateJson.ToOciJson(TempStateRoot.NewState("c1", pid: 777), ContainerStatus.Created));
        Assert.Equal(777, doc.RootElement.GetProperty("pid").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Annotations_are_omitted_when_there_are_none(bool empty)
    {
        var state = TempStateRoot.NewState("c1");
        state.Annotations = empty ? [] : null;
        using var doc = JsonDocument.Parse(StateJson.ToOciJson(state, ContainerStatus.Running));
        Assert.False(doc.RootElement.TryGetProperty("annotations", out _));
    }

    [Fact]
    public void Compact_oci_json_is_one_line_for_hook_stdin()
    {
        var bytes = StateJson.ToOciJsonUtf8(TempStateRoot.NewState("c1"), ContainerStatus.Creating);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4422,", text, StringComparison.Ordinal);

        var parsed = StateJson.ParseOci(bytes);
        Assert.Equal("c1", parsed.Id);
        Assert.Equal(ContainerStatus.Creating, parsed.Status);
        Assert.Equal(4422, parsed.Pid);
    }

    [Fact]
    public void List_json_is_runcs_list_format()
    {
        var running = TempStateRoot.NewState("a");
        var stopped = TempStateRoot.NewState("b", pid: 55);
        stopped.Annotations = null;
        stopped.Owner = null;

        var json = StateJson.ToListJson([(running, ContainerStatus.Running), (stopped, ContainerStatus.Stopped)]);

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.Equal(["ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"],
            items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("running", items[0].GetProperty("status").GetString());
        Assert.Equal(4422, items[0].GetProperty("pid").GetInt32());
        Assert.Equal("2025-06-01T12:30:45.1234567Z", items[0].GetProperty("created").GetString());
        Assert.Equal("root", items[0].GetProperty("owner").GetString());
        Assert.Equal(0, items[1].GetProperty("pid").GetInt32());
        Assert.Equal("", items[1].GetProperty("owner").GetString());
        Assert.False(items[1].TryGetProperty("annotations", out _));
    }

    [Fact]
    public void List_json_of_no_containers_is_an_empty_array() => Assert.Equal("[]", StateJson.ToListJson([]));

    [Fact]
    public void State_file_round_trips_every_field()
    {
        var state = TempStateRoot.NewState("c1");
        state.OwnsPidNamespace = true;
        state.Cgroup = new() { ["memory"] = "/sys/fs/cgroup/memory/c1", ["unified"] = "/sys/fs/cgroup/unified/c1" };
        var back = StateJson.Parse(StateJson.Serialize(state), "/x/state.json");

        Assert.Equal(ContainerState.CurrentFormat, back.Format);
        Assert.Equal(state.OciVersion, back.OciVersion);
        Assert.Equal(state.Id, back.Id);
        Assert.Equal(state.Status, back.Status);
        Assert.Equal(state.Pid, back.Pid);
        Assert.Equal(state.Bundle, back.Bundle);
        Assert.Equal(state.Annotations, back.Annotations);
        Assert.Equal(state.PidStartTime, back.PidStartTime);
        Assert.Equal(state.Created, back.Created);
        Assert.Equal(state.Rootfs, back.Rootfs);
        Assert.Equal(state.Owner, back.Owner);
        Assert.Equal(state.OwnsNetworkNamespace, back.OwnsNetworkNamespace);
        Assert.Equal(state.OwnsPidNamespace, back.OwnsPidNamespace);
        Assert.Equal(state.Cgroup, back.Cgroup);
    }

    [Fact]
    public void State_file_uses_camel_case_and_the_status_string()
    {
        var text = Encoding.UTF8.GetString(StateJson.Serialize(TempStateRoot.NewState("c1")));
        Assert.Contains("\"status\": \"created\"", text, StringComparison.Ordinal);
        Assert.Contains("\"pidStartTime\": 123456", text, StringComparison.Ordinal);
        Assert.Contains("\"ownsNetworkNamespace\": true", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cgroupPath", text, StringComparison.Ordinal); // null: omitted
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\"}")] // bundle and rootfs missing
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"status\":\"frozen\"}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"status\":9}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"pid\":\"x\"}")]
    [InlineData("{\"format\":2,\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\"}")]
    public void Corrupt_state_is_a_StateException_naming_the_file(string text)
    {
        var e = Assert.Throws<StateException>(() => StateJson.Parse(Encoding.UTF8.GetBytes(text), "/run/hutch/c1/state.json"));
        Assert.Equal("/run/hutch/c1/state.json", e.Path);
        Assert.StartsWith("/run/hutch/c1/state.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_are_ignored_for_forward_compatibility()
    {
        const string text = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"status\":\"running\",\"futureField\":{\"a\":1}}";
        var state = StateJson.Parse(Encoding.UTF8.GetBytes(text), "state.json");
        Assert.Equal(ContainerStatus.Running, state.Status);
    }

    /// <summary>The hand-written reader and writer (StateFileReader, ToOciJsonUtf8) against the
    /// generated serializer they replace on the hot path, on states with every field set,
    /// escaping-worthy text, null maps and unusual times.</summary>
    public static TheoryData<int> States() => new(0, 1, 2);

    [Theory]
    [InlineData("id")]
    [InlineData("annotations")]
    public void Text_that_is_not_UTF_8_is_a_StateException(string where)
    {
        var text = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"annotations\":{\"k\":\"v\"}}";
        var bytes = Encoding.UTF8.GetBytes(text.Replace(where == "id" ? "\"c1\"" : "\"v\"", "\"\u00ff\"", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)0xc3);
        bytes[at] = 0xff; // a lone 0xff byte: never UTF-8

        var e = Assert.Throws<StateException>(() => StateJson.Parse(bytes, "/run/hutch/c1/state.json"));
        Assert.StartsWith("/run/hutch/c1/state.json: ", e.Message, StringComparison.Ordinal);
    }

    private static ContainerState Sample(int which)
    {
        var state = TempStateRoot.NewState("c" + which);
        switch (which)
        {
            case 1:
                state.Annotations = new() { ["é<tag>&'\"\\"] = "línea\n\u0001+", ["io.x/y"] = "" };
                state.Cgroup = new() { ["memory"] = "/sys/fs/cgroup/memory/c1", ["unified"] = "/sys/fs/cgroup/unified/ç" };
                state.SystemdUnit = "runc-c1.scope";
                state.SystemdUserManager = true;
                state.OwnsPidNamespace = true;
                state.Status = ContainerStatus.Paused;
                state.Created = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(2));
                state.PidStartTime = ulong.MaxValue;
                break;
            case 2:
                state.Annotations = null;
                state.Owner = null;
                state.Status = ContainerStatus.Stopped;
                state.Pid = 0;
                break;
        }
        return state;
    }

    [Theory]
    [MemberData(nameof(States))]
    public void The_hand_written_reader_reads_what_the_serializer_wrote_as_the_serializer_does(int which)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Sample(which), StateJsonContext.Default.ContainerState);

        var generated = JsonSerializer.Deserialize(bytes, StateJsonContext.Default.ContainerState)!;
        var hand = StateJson.Parse(bytes, "state.json");

        Assert.Equal(JsonSerializer.Serialize(generated, StateJsonContext.Default.ContainerState),
            JsonSerializer.Serialize(hand, StateJsonContext.Default.ContainerState));
    }

    [Theory]
    [MemberData(nameof(States))]
    public void The_hand_written_oci_state_is_what_the_serializer_wrote(int which)
    {
        var state = Sample(which);
        foreach (var status in Enum.GetValues<ContainerStatus>())
        {
            var oci = StateJson.ToOci(state, status);
            Assert.Equal(JsonSerializer.Serialize(oci, StateJsonContext.Default.OciState),
                Encoding.UTF8.GetString(StateJson.ToOciJsonUtf8(state, status)));
            var indented = new StateJsonContext(new JsonSerializerOptions(StateJsonContext.Default.Options) { WriteIndented = true, IndentSize = 2 });
            Assert.Equal(JsonSerializer.Serialize(oci, indented.OciState), StateJson.ToOciJson(state, status));
        }
    }

    [Theory]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\"} {}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"created\":\"yesterday\"}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"pid\":1.5}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"pid\":null}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"cgroup\":[]}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":null}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"cgroup\":{\"memory\":null}}")]
    [InlineData("{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",}")]
    public void What_the_serializer_refused_the_reader_refuses(string text)
    {
        Assert.ThrowsAny<Exception>(() =>
        {
            var generated = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(text), StateJsonContext.Default.ContainerState);
            if (generated?.Rootfs is null || generated.Cgroup?.Values.Any(v => v is null) == true)
            {
                throw new JsonException("null");
            }
        });
        var e = Assert.Throws<StateException>(() => StateJson.Parse(Encoding.UTF8.GetBytes(text), "/run/hutch/c1/state.json"));
        Assert.StartsWith("/run/hutch/c1/state.json: ", e.Message, StringComparison.Ordinal);
    }
}
