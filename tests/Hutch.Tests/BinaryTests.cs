using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hutch.Commands;

namespace Hutch.Tests;

/// <summary>Black-box tests of the published binary: what clients (go-runc, podman, containerd) see.</summary>
public class BinaryTests
{
    [BinaryFact]
    public void Version_prints_exactly_the_three_lines_clients_parse()
    {
        foreach (var flag in new[] { "--version", "-v" })
        {
            var outcome = HutchBinary.Run(null, flag);

            Assert.Equal(0, outcome.ExitCode);
            var lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Matches(new Regex(@"^hutch version \d+\.\d+\.\d+\S*$"), lines[0]);
            Assert.Matches(new Regex(@"^commit: \S+$"), lines[1]);
            Assert.Equal("spec: 1.3.0", lines[2]);
            Assert.Empty(outcome.Stderr);
        }
    }

    [BinaryFact]
    public void Version_reports_the_commit_the_makefile_stamped()
    {
        var commit = HutchBinary.Run(null, "--version").Stdout.Split('\n')[1];

        Assert.NotEqual("commit: unknown", commit);
        Assert.Matches(new Regex("^commit: [0-9a-f]{7,40}$"), commit);
    }

    [BinaryFact]
    public void Help_exits_zero()
    {
        var outcome = HutchBinary.Run(null, "--help");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("create", outcome.Stdout, StringComparison.Ordinal);
    }

    [BinaryFact]
    public void Spec_writes_the_default_config()
    {
        using var bundle = new TempDirectory();

        var outcome = HutchBinary.Run(bundle.PathName, "spec");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Empty(outcome.Stderr);
        var written = File.ReadAllText(bundle.File("config.json"));
        Assert.Equal(SpecCommand.Render(DefaultRequest()), written);
        var config = JsonNode.Parse(written)!;
        Assert.Equal("1.3.0", (string?)config["ociVersion"]);
        Assert.Equal("rootfs", (string?)config["root"]!["path"]);
        Assert.Equal(["sh"], config["process"]!["args"]!.AsArray().Select(a => (string?)a));
        Assert.True((bool?)config["process"]!["terminal"]);
    }

    [BinaryFact]
    public void Spec_bundle_flag_writes_into_that_directory()
    {
        using var bundle = new TempDirectory();

        var outcome = HutchBinary.Run(null, "spec", "--bundle", bundle.PathName);

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(File.Exists(bundle.File("config.json")));
    }

    [BinaryFact]
    public void Spec_network_flags_and_args_produce_the_expected_json()
    {
        using var bundle = new TempDirectory();

        var outcome = HutchBinary.Run(bundle.PathName, "spec", "--netns", "/var/run/netns/blue",
            "--net-device", "veth0=eth0", "--net-device", "macv1", "--no-terminal", "--", "ip", "-br", "addr");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var written = JsonNode.Parse(File.ReadAllText(bundle.File("config.json")))!;

        // Expected: the defaults plus exactly these changes.
        var expected = JsonNode.Parse(SpecCommand.Render(DefaultRequest()))!;
        foreach (var ns in expected["linux"]!["namespaces"]!.AsArray())
        {
            if ((string?)ns!["type"] == "network")
            {
                ns["path"] = "/var/run/netns/blue";
            }
        }
        expected["linux"]!["netDevices"] = new JsonObject
        {
            ["veth0"] = new JsonObject { ["name"] = "eth0" },
            ["macv1"] = new JsonObject(),
        };
        expected["process"]!["terminal"] = false;
        expected["process"]!["args"] = new JsonArray("ip", "-br", "addr");
        Assert.True(JsonNode.DeepEquals(expected, written), "written config.json:\n" + written.ToJsonString());
    }

    [BinaryFact]
    public void Spec_rootless_maps_root_to_the_callers_ids_and_netns_adds_a_network_entry()
    {
        using var bundle = new TempDirectory();
        var status = File.ReadAllLines("/proc/self/status");
        uint Effective(string key) => uint.Parse(
            status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2],
            CultureInfo.InvariantCulture);

        var outcome = HutchBinary.Run(bundle.PathName, "spec", "--rootless", "--netns", "/var/run/netns/blue");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var linux = JsonNode.Parse(File.ReadAllText(bundle.File("config.json")))!["linux"]!;
        Assert.Equal(Effective("Uid:"), (uint)linux["uidMappings"]![0]!["hostID"]!);
        Assert.Equal(Effective("Gid:"), (uint)linux["gidMappings"]![0]!["hostID"]!);
        var network = Assert.Single(linux["namespaces"]!.AsArray(), ns => (string?)ns!["type"] == "network");
        Assert.Equal("/var/run/netns/blue", (string?)network!["path"]);
    }

    [BinaryFact]
    public void Spec_refuses_to_overwrite_an_existing_config()
    {
        using var bundle = new TempDirectory();
        const string existing = "{\"ociVersion\":\"1.0.0\",\"mine\":true}";
        File.WriteAllText(bundle.File("config.json"), existing);

        var outcome = HutchBinary.Run(bundle.PathName, "spec");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal($"hutch: File {bundle.File("config.json")} exists. Remove it first\n", outcome.Stderr);
        Assert.Equal(existing, File.ReadAllText(bundle.File("config.json")));
    }

    [BinaryFact]
    public void Spec_refuses_a_16_byte_device_name_and_writes_nothing()
    {
        using var bundle = new TempDirectory();

        var outcome = HutchBinary.Run(bundle.PathName, "spec", "--netns", "/var/run/netns/blue",
            "--net-device", "veth0=abcdefghijklmnop");

        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith("hutch: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("linux.netDevices[\"veth0\"].name", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("16 bytes", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(bundle.File("config.json")));
    }

    [BinaryFact]
    public void Spec_refuses_process_args_without_double_dash()
    {
        using var bundle = new TempDirectory();

        var outcome = HutchBinary.Run(bundle.PathName, "spec", "ip");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("after --", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(bundle.File("config.json")));
    }

    [BinaryFact]
    public void Features_reports_what_this_build_implements()
    {
        var outcome = HutchBinary.Run(null, "features");

        Assert.Equal(0, outcome.ExitCode);
        var version = HutchBinary.Run(null, "--version").Stdout.Split('\n');
        var (hutchVersion, commit) = (version[0]["hutch version ".Length..], version[1]["commit: ".Length..]);
        Assert.Equal(FeaturesCommand.Render(hutchVersion, commit), outcome.Stdout);
        using var doc = JsonDocument.Parse(outcome.Stdout);
        var root = doc.RootElement;
        Assert.Equal("1.0.0", root.GetProperty("ociVersionMin").GetString());
        Assert.Equal("1.3.0", root.GetProperty("ociVersionMax").GetString());
        // Only what is built: the six hook phases, the namespaces create can make or join, netDevices.
        Assert.Equal(6, root.GetProperty("hooks").GetArrayLength());
        var mountOptions = root.GetProperty("mountOptions").EnumerateArray().Select(o => o.GetString()).ToList();
        Assert.Contains("rbind", mountOptions);
        Assert.Contains("tmpcopyup", mountOptions);
        Assert.Contains("copy-symlink", mountOptions);
        Assert.Contains("idmap", mountOptions);
        Assert.Contains("ridmap", mountOptions);
        var linux = root.GetProperty("linux");
        var namespaces = linux.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("network", namespaces);
        Assert.Contains("time", namespaces);
        Assert.True(linux.GetProperty("netDevices").GetProperty("enabled").GetBoolean());
        Assert.True(linux.GetProperty("mountExtensions").GetProperty("idmap").GetProperty("enabled").GetBoolean());
        Assert.True(linux.GetProperty("cgroup").GetProperty("v1").GetBoolean());
        Assert.True(linux.GetProperty("cgroup").GetProperty("v2").GetBoolean());
        Assert.True(linux.GetProperty("cgroup").GetProperty("systemd").GetBoolean());
        Assert.True(linux.GetProperty("cgroup").GetProperty("systemdUser").GetBoolean());
        var annotations = root.GetProperty("annotations");
        Assert.Equal(hutchVersion, annotations.GetProperty("org.hutch.version").GetString());
        Assert.Equal(commit, annotations.GetProperty("org.hutch.commit").GetString());
    }

    [BinaryFact]
    public void Checkpoint_without_criu_says_how_to_get_it()
    {
        var outcome = HutchBinary.Run(null, "--criu", "/nonexistent/criu", "checkpoint", "--image-path", "/tmp/x", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("hutch: --criu /nonexistent/criu: no such file; install criu 4.0 or newer, or point --criu at it\n", outcome.Stderr);
    }

    [BinaryFact]
    public void Restore_refuses_a_bad_manage_cgroups_mode_before_anything()
    {
        var outcome = HutchBinary.Run(null, "restore", "--manage-cgroups-mode", "loose", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("invalid --manage-cgroups-mode \"loose\": use soft, full, strict or ignore", outcome.Stderr, StringComparison.Ordinal);
    }

    [BinaryFact]
    public void Features_say_checkpoint_is_built_in()
    {
        var outcome = HutchBinary.Run(null, "features");

        Assert.Equal(0, outcome.ExitCode);
        using var json = JsonDocument.Parse(outcome.Stdout);
        Assert.Equal("true", json.RootElement.GetProperty("annotations").GetProperty("org.opencontainers.runc.checkpoint.enabled").GetString());
    }

    [BinaryFact]
    public void Log_json_gets_an_error_record_with_level_msg_and_time()
    {
        using var bundle = new TempDirectory();
        var logPath = bundle.File("log.json");

        var outcome = HutchBinary.Run(null, "--root", bundle.File("root"), "--log", logPath, "--log-format", "json",
            "kill", "ctr1", "9");

        Assert.Equal(1, outcome.ExitCode);
        var lines = File.ReadAllLines(logPath);
        var record = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal("error", record.GetProperty("level").GetString());
        // containerd's shim matches "does not exist" in the last error record.
        Assert.Equal("container ctr1 does not exist", record.GetProperty("msg").GetString());
        var time = DateTimeOffset.Parse(record.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - time, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
    }

    [BinaryFact]
    public void Log_text_appends_a_logfmt_record()
    {
        using var bundle = new TempDirectory();
        var logPath = bundle.File("log.txt");
        File.WriteAllText(logPath, "earlier line\n");

        using var root = new TempDirectory();
        var outcome = HutchBinary.Run(null, "--root", root.PathName, "--log", logPath, "start", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        var lines = File.ReadAllLines(logPath);
        Assert.Equal("earlier line", lines[0]);
        Assert.Matches(new Regex("^time=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\" level=error msg=\"container ctr1 does not exist\"$"), lines[1]);
    }

    [BinaryFact]
    public void A_parse_error_is_logged_too()
    {
        using var bundle = new TempDirectory();
        var logPath = bundle.File("log.json");

        var outcome = HutchBinary.Run(null, "--log", logPath, "--log-format", "json", "delete", "--bogus", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        var record = JsonDocument.Parse(Assert.Single(File.ReadAllLines(logPath))).RootElement;
        Assert.Contains("--bogus", record.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [BinaryFact]
    public void Root_in_the_equals_form_whose_last_component_is_the_binarys_name()
    {
        // podman's `--runtime-flag root=DIR` puts `--root=DIR` first in argv.
        using var dir = new TempDirectory();
        var root = dir.File(Path.GetFileName(HutchBinary.PathName));
        Directory.CreateDirectory(root);

        foreach (var argv in new[] { ["--root=" + root, "list", "--format", "json"], new[] { "--root", root, "list", "--format=json" } })
        {
            var outcome = HutchBinary.Run(null, argv);

            Assert.True(outcome.ExitCode == 0, $"hutch {string.Join(' ', argv)}: {outcome.Stderr}");
            Assert.Equal("[]", outcome.Stdout.Trim());
        }
        var logs = Directory.CreateDirectory(dir.File("logs")).FullName;
        var log = Path.Combine(logs, Path.GetFileName(HutchBinary.PathName));
        var state = HutchBinary.Run(null, "--log=" + log, "--root=" + root, "state", "nosuch");
        Assert.Equal(1, state.ExitCode);
        Assert.Equal("hutch: container nosuch does not exist\n", state.Stderr);
        Assert.Contains("container nosuch does not exist", File.ReadAllText(log), StringComparison.Ordinal);
    }

    [BinaryFact]
    public void A_repeated_log_flag_writes_to_the_last_file_only()
    {
        using var dir = new TempDirectory();

        var outcome = HutchBinary.Run(null, "--log", dir.File("first.log"), "--root", dir.PathName, "--log=" + dir.File("last.log"),
            "--log-format", "json", "start", "--log", dir.File("really-last.log"), "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("hutch: container ctr1 does not exist\n", outcome.Stderr);
        Assert.False(File.Exists(dir.File("first.log")));
        Assert.False(File.Exists(dir.File("last.log")));
        var record = JsonDocument.Parse(Assert.Single(File.ReadAllLines(dir.File("really-last.log")))).RootElement;
        Assert.Equal("container ctr1 does not exist", record.GetProperty("msg").GetString());
    }

    [BinaryFact]
    public void Unknown_flag_exits_1_with_the_usage_hint()
    {
        var outcome = HutchBinary.Run(null, "create", "--bogus", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith("hutch: unknown flag --bogus", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("hutch create --help", outcome.Stderr, StringComparison.Ordinal);
    }

    [BinaryFact]
    public void Unknown_command_and_missing_id_exit_1()
    {
        var unknown = HutchBinary.Run(null, "frobnicate");
        var missing = HutchBinary.Run(null, "state");

        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("hutch: ", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("frobnicate", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("hutch: ", missing.Stderr, StringComparison.Ordinal);
    }

    [BinaryFact]
    public void Debug_shows_the_exception_type()
    {
        var outcome = HutchBinary.Run(null, "--debug", "--criu", "/nonexistent/criu", "checkpoint", "ctr1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("hutch: --criu /nonexistent/criu: no such file", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("level=debug", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hutch.Runtime.Checkpoint.CriuException", outcome.Stderr, StringComparison.Ordinal);
    }

    private static SpecRequest DefaultRequest() => new(null, false, null, [], false, []);
}
