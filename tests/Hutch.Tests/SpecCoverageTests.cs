using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hutch.Runtime.Features;
using Hutch.Testing;

namespace Hutch.Tests;

/// <summary>
/// docs/spec-coverage.md cannot drift from the runtime-spec's schema nor from `features`: every field
/// of the v1.3.0 config schema (walked from tests/data/runtime-spec-v1.3.0/schema) has exactly one
/// row, every row is a schema field with a known status and tests that exist, the counts in the
/// text are the rows', and `features` advertises exactly what the table says is applied.
/// </summary>
public sealed partial class SpecCoverageTests
{
    private const string Applied = "applied", Refused = "refused", Warned = "warned";

    private static readonly string SchemaDirectory = Path.Combine(Host.RepoRoot, "tests", "data", "runtime-spec-v1.3.0", "schema");

    private static readonly string TablePath = Path.Combine(Host.RepoRoot, "docs", "spec-coverage.md");

    /// <summary>The sections of config-schema.json for the other platforms: not Linux fields.</summary>
    private static readonly string[] OtherPlatforms = ["solaris", "windows", "vm", "zos", "freebsd"];

    private static readonly Lazy<IReadOnlyList<string>> SchemaFields = new(() => SchemaWalker.Fields(SchemaDirectory, OtherPlatforms));

    private static readonly Lazy<IReadOnlyList<Row>> Rows = new(() => ReadTable(File.ReadAllText(TablePath)));

    [Fact]
    public void The_schema_walk_finds_the_fields_of_every_linux_part()
    {
        // A guard on the walker itself: $ref into defs files, arrays, maps and allOf all reached.
        var fields = SchemaFields.Value;
        Assert.Contains("ociVersion", fields);
        Assert.Contains("hooks.poststop[].timeout", fields);
        Assert.Contains("mounts[].uidMappings[].hostID", fields);
        Assert.Contains("linux.netDevices.*.name", fields);
        Assert.Contains("linux.resources.blockIO.weightDevice[].leafWeight", fields);
        Assert.Contains("linux.seccomp.syscalls[].args[].valueTwo", fields);
        Assert.Contains("linux.memoryPolicy.flags", fields);
        Assert.Contains("linux.intelRdt.closID", fields);
        Assert.DoesNotContain(fields, f => f.StartsWith("windows", StringComparison.Ordinal));
        Assert.Equal(fields.Count, fields.Distinct().Count());
    }

    [Fact]
    public void Every_schema_field_has_one_row_and_every_row_is_a_schema_field()
    {
        var rows = Rows.Value.Select(r => r.Field).ToList();
        var missing = SchemaFields.Value.Except(rows).ToList();
        var unknown = rows.Except(SchemaFields.Value).ToList();
        var twice = rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(missing.Count == 0, "fields of the schema missing from docs/spec-coverage.md: " + string.Join(", ", missing));
        Assert.True(unknown.Count == 0, "rows of docs/spec-coverage.md that are not schema fields: " + string.Join(", ", unknown));
        Assert.True(twice.Count == 0, "fields with more than one row: " + string.Join(", ", twice));
    }

    [Fact]
    public void Each_row_has_a_known_status_a_description_and_tests_that_exist()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Host.RepoRoot, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var problems = new List<string>();
        foreach (var row in Rows.Value)
        {
            if (row.Status is not (Applied or Refused or Warned))
            {
                problems.Add($"{row.Field}: status \"{row.Status}\" is not {Applied}, {Refused} or {Warned}");
            }
            if (row.What.Length < 10)
            {
                problems.Add($"{row.Field}: says nothing about what hutch does");
            }
            if (row.Tests.Count == 0)
            {
                problems.Add($"{row.Field}: names no test");
            }
            foreach (var test in row.Tests)
            {
                var dot = test.IndexOf('.', StringComparison.Ordinal);
                var type = dot < 0 ? test : test[..dot];
                var method = dot < 0 ? null : test[(dot + 1)..];
                var found = sources.Any(source => Regex.IsMatch(source, $@"\bclass {Regex.Escape(type)}\b") &&
                                                  (method is null || Regex.IsMatch(source, $@"\bvoid {Regex.Escape(method)}\(")));
                if (!found)
                {
                    problems.Add($"{row.Field}: test {test} does not exist under tests/");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_counts_in_the_text_are_the_rows()
    {
        var text = File.ReadAllText(TablePath);
        int Count(string status) => Rows.Value.Count(r => r.Status == status);
        var expected = $"Counts: {Count(Applied)} applied, {Count(Refused)} refused, {Count(Warned)} warned ({Rows.Value.Count} fields).";

        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_advertises_exactly_what_the_table_says_is_applied()
    {
        var features = ImplementedFeatures.Create("test", "test");
        var linux = features.Linux!;
        var defsLinux = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaDirectory, "defs-linux.json")))!["definitions"]!;
        List<string> Enum(string definition) => [.. defsLinux[definition]!["enum"]!.AsArray().Select(n => (string)n!)];
        bool Same(IEnumerable<string>? advertised, List<string> all) => advertised is not null && advertised.Order().SequenceEqual(all.Order());

        // (what `features` says, the row whose status must be "applied" exactly when it says so)
        var claims = new List<(string Feature, bool Advertised, string Field)>();
        foreach (var phase in new[] { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" })
        {
            claims.Add(($"hooks contains {phase}", features.Hooks?.Contains(phase) == true, $"hooks.{phase}[].path"));
        }
        claims.AddRange(
        [
            ("mountOptions", features.MountOptions is { Count: > 0 }, "mounts[].options"),
            ("linux.namespaces is every NamespaceType", Same(linux.Namespaces, Enum("NamespaceType")), "linux.namespaces[].type"),
            ("linux.namespaces contains time", linux.Namespaces?.Contains("time") == true, "linux.timeOffsets.boottime.secs"),
            ("linux.capabilities", linux.Capabilities is { Count: > 0 }, "process.capabilities.bounding"),
            ("linux.cgroup.v1 and v2", linux.Cgroup?.V1 == true && linux.Cgroup?.V2 == true, "linux.cgroupsPath"),
            ("linux.cgroup.rdma", linux.Cgroup?.Rdma == true, "linux.resources.rdma.*.hcaHandles"),
            ("linux.seccomp.enabled", linux.Seccomp?.Enabled == true, "linux.seccomp.defaultAction"),
            ("linux.apparmor.enabled", linux.Apparmor?.Enabled == true, "process.apparmorProfile"),
            ("linux.selinux.enabled", linux.Selinux?.Enabled == true, "process.selinuxLabel"),
            ("linux.selinux.enabled", linux.Selinux?.Enabled == true, "linux.mountLabel"),
            ("linux.intelRdt.enabled", linux.IntelRdt?.Enabled == true, "linux.intelRdt.closID"),
            ("linux.intelRdt.schemata", linux.IntelRdt?.Schemata == true, "linux.intelRdt.schemata"),
            ("linux.intelRdt.monitoring", linux.IntelRdt?.Monitoring == true, "linux.intelRdt.enableMonitoring"),
            ("linux.memoryPolicy.modes is every MemoryPolicyMode", Same(linux.MemoryPolicy?.Modes, Enum("MemoryPolicyMode")), "linux.memoryPolicy.mode"),
            ("linux.memoryPolicy.flags is every MemoryPolicyFlag", Same(linux.MemoryPolicy?.Flags, Enum("MemoryPolicyFlag")), "linux.memoryPolicy.flags"),
            ("linux.mountExtensions.idmap.enabled", linux.MountExtensions?.IdMap?.Enabled == true, "mounts[].uidMappings[].containerID"),
            ("linux.netDevices.enabled", linux.NetDevices?.Enabled == true, "linux.netDevices.*.name"),
        ]);
        var status = Rows.Value.ToDictionary(r => r.Field, r => r.Status);
        var wrong = claims
            .Where(c => c.Advertised != (status[c.Field] == Applied))
            .Select(c => $"features says {c.Feature} is {(c.Advertised ? "" : "not ")}there, the table says {c.Field} is {status[c.Field]}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    // A table row: | `field` | status | what hutch does | `Test.Method`, `Test` |
    private static List<Row> ReadTable(string markdown)
    {
        var rows = new List<Row>();
        foreach (var line in markdown.Split('\n'))
        {
            var match = RowLine().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var tests = TestName().Matches(match.Groups["tests"].Value).Select(m => m.Groups[1].Value).ToList();
            rows.Add(new Row(match.Groups["field"].Value, match.Groups["status"].Value.Trim(), match.Groups["what"].Value.Trim(), tests));
        }
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<field>[^`]+)` \| (?<status>[^|]+) \| (?<what>.+) \| (?<tests>[^|]*) \|\s*$")]
    private static partial Regex RowLine();

    [GeneratedRegex(@"`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)`")]
    private static partial Regex TestName();

    private sealed record Row(string Field, string Status, string What, IReadOnlyList<string> Tests);
}

/// <summary>
/// The fields of a runtime-spec config schema as paths ("linux.resources.cpu.shares",
/// "mounts[].options", "linux.netDevices.*.name"): follows $ref across the schema files,
/// properties, array items, map values (additionalProperties) and allOf/anyOf; a leaf is a value
/// that holds no object fields of its own.
/// </summary>
internal static class SchemaWalker
{
    public static IReadOnlyList<string> Fields(string directory, IReadOnlyCollection<string> skipAtTop)
    {
        var files = new Dictionary<string, JsonNode>();
        JsonNode Load(string file)
        {
            if (!files.TryGetValue(file, out var node))
            {
                node = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, file)))!;
                files[file] = node;
            }
            return node;
        }

        (JsonNode Node, string File) Resolve(JsonNode node, string file)
        {
            while (node["$ref"] is { } reference)
            {
                var text = (string)reference!;
                var hash = text.IndexOf('#', StringComparison.Ordinal);
                var target = hash <= 0 ? file : text[..hash];
                JsonNode current = Load(target);
                foreach (var part in text[(hash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    current = current[part] ?? throw new InvalidOperationException($"{file}: $ref {text} does not resolve");
                }
                (node, file) = (current, target);
            }
            return (node, file);
        }

        // properties of a node, its allOf and anyOf branches included (blockIODeviceWeight is an allOf).
        List<(string Name, JsonNode Node, string File)> Properties(JsonNode node, string file)
        {
            var found = new List<(string, JsonNode, string)>();
            foreach (var combinator in new[] { "allOf", "anyOf" })
            {
                foreach (var branch in node[combinator]?.AsArray() ?? [])
                {
                    var (resolved, branchFile) = Resolve(branch!, file);
                    found.AddRange(Properties(resolved, branchFile));
                }
            }
            foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
            {
                found.Add((name, child!, file));
            }
            return found;
        }

        var fields = new List<string>();
        void Walk(JsonNode node, string file, string path)
        {
            (node, file) = Resolve(node, file);
            var properties = Properties(node, file);
            if (properties.Count > 0)
            {
                foreach (var (name, child, childFile) in properties)
                {
                    if (path.Length == 0 && skipAtTop.Contains(name))
                    {
                        continue;
                    }
                    Walk(child, childFile, path.Length == 0 ? name : path + "." + name);
                }
                return;
            }
            foreach (var (keyword, suffix) in new[] { ("items", "[]"), ("additionalProperties", ".*") })
            {
                if (node[keyword] is JsonObject element)
                {
                    var (resolved, elementFile) = Resolve(element, file);
                    if (Properties(resolved, elementFile).Count > 0)
                    {
                        Walk(resolved, elementFile, path + suffix);
                        return;
                    }
                }
            }
            fields.Add(path);
        }

        Walk(Load("config-schema.json"), "config-schema.json", "");
        return fields;
    }
}
