using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hutch.Spec;

namespace Hutch.Tests.Integration.Mutations;

/// <summary>One bad config: its family, what was changed, the bytes of config.json and the rootfs it names.</summary>
internal sealed record MutatedConfig(string Family, string Description, byte[] Json);

/// <summary>
/// Derives bad configs from a real one: every case breaks a rule (a required field deleted, a
/// value of the wrong JSON type, a member given twice, a number out of range, a NUL or an
/// invalid UTF-8 byte in a string, a `..` or `.` path, a rootfs whose /proc or /sys is a
/// symlink), so each must be refused. Random choices come from one seeded generator: the same
/// seed gives the same cases.
/// </summary>
internal sealed class ConfigMutator
{
    private const string BadUtf8Marker = "@@bad-utf8@@";
    private readonly JsonObject _base;
    private readonly Random _random;
    private readonly Func<string, string> _symlinkedRootfs;

    /// <param name="baseJson">A runnable config (known fields only), root.path absolute.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <param name="symlinkedRootfs">A rootfs copy with the named entry ("proc", "sys") replaced by a symlink.</param>
    public ConfigMutator(string baseJson, int seed, Func<string, string> symlinkedRootfs)
    {
        _base = (JsonObject)JsonNode.Parse(baseJson)!;
        _random = new Random(seed);
        _symlinkedRootfs = symlinkedRootfs;
    }

    /// <summary>
    /// About 36 cases: every deletion and symlink, and a seeded sample of the rest, so that the
    /// nine real configs together cover every kind of case while the run stays short.
    /// </summary>
    public IEnumerable<MutatedConfig> All() =>
        Deletions().Concat(Retypings()).Concat(Pick(Duplicates(), 3)).Concat(Pick(Numbers(), 7)).Concat(Pick(Nuls(), 4))
            .Concat(BadUtf8()).Concat(Pick(DotDots(), 3)).Concat(Symlinks()).Concat(Pick(Others(), 2));

    /// <summary><paramref name="count"/> of the cases, chosen by the seeded generator, in their order.</summary>
    private List<MutatedConfig> Pick(IEnumerable<MutatedConfig> cases, int count)
    {
        var all = cases.ToList();
        var chosen = new SortedSet<int>();
        while (chosen.Count < Math.Min(count, all.Count))
        {
            chosen.Add(_random.Next(all.Count));
        }
        return chosen.Select(i => all[i]).ToList();
    }

    // ---- families ----

    private IEnumerable<MutatedConfig> Deletions()
    {
        foreach (var path in new[] { "ociVersion", "root", "root.path", "process.cwd", "process.args", "mounts[0].destination",
                     "linux.namespaces[0].type", "process.rlimits[0].type", "linux.devices[0].type" })
        {
            var config = Clone();
            if (Remove(config, path))
            {
                yield return Case("delete", $"delete {path}", config);
            }
        }
    }

    private IEnumerable<MutatedConfig> Retypings()
    {
        var nodes = new List<(JsonNode Parent, string Path, object Key)>();
        Walk(_base, "", (parent, path, key, _) => nodes.Add((parent, path, key)), includeContainers: true);
        for (var n = 0; n < 5 && nodes.Count > 0; n++)
        {
            var (_, path, _) = nodes[_random.Next(nodes.Count)];
            var config = Clone();
            var (parent, key) = Locate(config, path);
            var old = Get(parent, key);
            JsonNode? replacement = old switch
            {
                JsonObject => new JsonArray(),
                JsonArray => new JsonObject(),
                JsonValue v when v.TryGetValue<string>(out _) => JsonValue.Create(12345),
                JsonValue v when v.TryGetValue<bool>(out _) => JsonValue.Create("yes"),
                _ => JsonValue.Create("12"),
            };
            Set(parent, key, replacement);
            yield return Case("retype", $"retype {path} ({Kind(old)} to {Kind(replacement)})", config);
        }
    }

    private IEnumerable<MutatedConfig> Duplicates()
    {
        // A member written twice in the text (a serialiser cannot produce it).
        var members = new List<string>();
        Walk(_base, "", (parent, path, key, _) =>
        {
            if (parent is JsonObject && !path.StartsWith("annotations", StringComparison.Ordinal))
            {
                members.Add(path);
            }
        }, includeContainers: true);
        for (var n = 0; n < 3 && members.Count > 0; n++)
        {
            var path = members[_random.Next(members.Count)];
            var config = Clone();
            var (parent, key) = Locate(config, path);
            var name = (string)key;
            var value = parent[name]!.ToJsonString();
            var marker = "@@dup-" + n.ToString(CultureInfo.InvariantCulture) + "@@";
            ((JsonObject)parent)[marker] = 0;
            var text = config.ToJsonString().Replace($"\"{marker}\":0", $"{JsonPath.Quote(name)}:{value}", StringComparison.Ordinal);
            yield return new MutatedConfig("duplicate", $"{path} given twice", Encoding.UTF8.GetBytes(text));
        }
        var twice = Clone();
        if (twice["linux"]?["namespaces"] is JsonArray { Count: > 0 } namespaces)
        {
            namespaces.Add(namespaces[0]!.DeepClone());
            yield return Case("duplicate", "linux.namespaces lists one type twice", twice);
        }
        var rlimits = Clone();
        if (rlimits["process"]?["rlimits"] is JsonArray { Count: > 0 } list)
        {
            list.Add(list[0]!.DeepClone());
            yield return Case("duplicate", "process.rlimits sets one type twice", rlimits);
        }
    }

    private IEnumerable<MutatedConfig> Numbers()
    {
        foreach (var (path, value) in new (string, JsonNode)[]
                 {
                     ("process.user.uid", -1), ("process.user.uid", 4294967295L), ("process.user.gid", 4294967296L),
                     ("process.user.gid", 2147483648L), ("process.user.uid", 1.5), ("process.user.uid", JsonNode.Parse("1e30")!),
                     ("process.user.additionalGids", new JsonArray(4294967295L)), ("process.oomScoreAdj", 1001),
                     ("process.consoleSize", new JsonObject { ["height"] = 70000, ["width"] = 80 }),
                     ("process.user.umask", 4095),
                     ("linux.devices", new JsonArray(new JsonObject { ["path"] = "/dev/m", ["type"] = "c", ["major"] = 1, ["minor"] = 4294967295L })),
                     ("linux.devices", new JsonArray(new JsonObject { ["path"] = "/dev/m", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["uid"] = 4294967295L })),
                     ("linux.devices", new JsonArray(new JsonObject { ["path"] = "/dev/m", ["type"] = "b", ["major"] = -8, ["minor"] = 0 })),
                     ("linux.resources.devices", new JsonArray(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["minor"] = 4294967295L, ["access"] = "rwm" })),
                     ("linux.resources.pids", new JsonObject { ["limit"] = -2 }),
                     ("linux.resources.memory", new JsonObject { ["limit"] = JsonNode.Parse("18446744073709551616")! }),
                     ("process.rlimits", new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 2048, ["hard"] = 1024 })),
                     ("hooks", new JsonObject { ["poststop"] = new JsonArray(new JsonObject { ["path"] = "/bin/true", ["timeout"] = 0 }) }),
                 })
        {
            var config = Clone();
            SetPath(config, path, value);
            yield return Case("number", $"{path} = {value.ToJsonString()}", config);
        }
        var mapped = Clone();
        if (mapped["linux"]?["uidMappings"] is JsonArray { Count: > 0 } maps)
        {
            maps[0]!["hostID"] = 4294967290L;
            maps[0]!["size"] = 10;
            yield return Case("number", "linux.uidMappings[0] reaches past 4294967294", mapped);
        }
    }

    private IEnumerable<MutatedConfig> Nuls()
    {
        var strings = StringLeaves();
        for (var n = 0; n < 3 && strings.Count > 0; n++)
        {
            var path = strings[_random.Next(strings.Count)];
            var config = Clone();
            var (parent, key) = Locate(config, path);
            var text = Get(parent, key)!.GetValue<string>();
            var at = _random.Next(text.Length + 1);
            Set(parent, key, JsonValue.Create(text[..at] + "\0" + text[at..]));
            yield return Case("nul", $"NUL inside {path}", config);
        }
        foreach (var (path, value) in new (string, string)[]
                 {
                     ("hostname", "ab\0cd"), ("process.cwd", "/tmp\0x"),
                 })
        {
            var config = Clone();
            SetPath(config, path, value);
            yield return Case("nul", $"NUL inside {path}", config);
        }
        var mount = Clone();
        ((JsonArray)mount["mounts"]!).Add((JsonNode)new JsonObject { ["destination"] = "/mnt\0/../../../etc", ["type"] = "tmpfs", ["source"] = "tmpfs" });
        yield return Case("nul", "NUL inside a mount destination", mount);
        var sysctl = Clone();
        SetPath(sysctl, "linux.sysctl", new JsonObject { ["net.ipv4.ip_forward\0x"] = "1" });
        yield return Case("nul", "NUL inside a sysctl key", sysctl);
    }

    private IEnumerable<MutatedConfig> BadUtf8()
    {
        var strings = StringLeaves();
        for (var n = 0; n < 2 && strings.Count > 0; n++)
        {
            var path = strings[_random.Next(strings.Count)];
            var config = Clone();
            var (parent, key) = Locate(config, path);
            Set(parent, key, JsonValue.Create(BadUtf8Marker));
            var bytes = Encoding.UTF8.GetBytes(config.ToJsonString());
            var marker = Encoding.UTF8.GetBytes(BadUtf8Marker);
            var at = bytes.AsSpan().IndexOf(marker);
            // "@@bad-utf8@@" becomes "@@bad" 0xFF 0xFE 0xC3 "8@@": a lone continuation, an
            // impossible byte and a cut two-byte sequence.
            bytes[at + 5] = 0xFF;
            bytes[at + 6] = 0xFE;
            bytes[at + 9] = 0xC3;
            yield return new MutatedConfig("utf8", $"invalid UTF-8 inside {path}", bytes);
        }
    }

    private IEnumerable<MutatedConfig> DotDots()
    {
        foreach (var (description, edit) in new (string, Action<JsonObject>)[]
                 {
                     ("mount destination \"..\"", c => ((JsonArray)c["mounts"]!).Add((JsonNode)new JsonObject { ["destination"] = "..", ["type"] = "tmpfs", ["source"] = "tmpfs" })),
                     ("mount destination \"/mnt/../..\"", c => ((JsonArray)c["mounts"]!).Add((JsonNode)new JsonObject { ["destination"] = "/mnt/../..", ["type"] = "tmpfs", ["source"] = "tmpfs" })),
                     ("sysctl key net/../kernel/hostname", c => SetPath(c, "linux.sysctl", new JsonObject { ["net/../kernel/hostname"] = "x" })),
                     ("sysctl key net..ipv4.ip_forward", c => SetPath(c, "linux.sysctl", new JsonObject { ["net..ipv4.ip_forward"] = "1" })),
                     ("device path /dev/..", c => SetPath(c, "linux.devices", new JsonArray(new JsonObject { ["path"] = "/dev/..", ["type"] = "c", ["major"] = 1, ["minor"] = 3 }))),
                     ("masked path ../etc/passwd", c => SetPath(c, "linux.maskedPaths", new JsonArray("../etc/passwd"))),
                     ("net device named ..", c => SetPath(c, "linux.netDevices", new JsonObject { ["lo"] = new JsonObject { ["name"] = ".." } })),
                     ("closID ..", c => SetPath(c, "linux.intelRdt", new JsonObject { ["closID"] = ".." })),
                 })
        {
            var config = Clone();
            edit(config);
            yield return Case("dotdot", description, config);
        }
    }

    private IEnumerable<MutatedConfig> Symlinks()
    {
        var mounts = _base["mounts"] as JsonArray;
        bool HasMount(string type) => mounts?.Any(m => (string?)m?["type"] == type) == true;
        foreach (var (entry, target, type) in new[] { ("proc", "/tmp", "proc"), ("proc", "../../../../etc", "proc"), ("sys", "/", "sysfs") })
        {
            if (!HasMount(type))
            {
                continue;
            }
            var config = Clone();
            config["root"]!["path"] = _symlinkedRootfs(entry + "=" + target);
            yield return Case("symlink", $"rootfs /{entry} is a symlink to {target}", config);
        }
    }

    private IEnumerable<MutatedConfig> Others()
    {
        var proc = Clone();
        var list = (JsonArray)proc["mounts"]!;
        var at = list.Select((m, i) => (m, i)).FirstOrDefault(x => (string?)x.m?["destination"] == "/proc").i;
        list[at] = new JsonObject { ["destination"] = "/proc", ["type"] = "tmpfs", ["source"] = "tmpfs" };
        yield return Case("other", "a tmpfs on /proc", proc);
        var dot = Clone();
        ((JsonArray)dot["mounts"]!).Add((JsonNode)new JsonObject { ["destination"] = ".", ["type"] = "tmpfs", ["source"] = "tmpfs" });
        yield return Case("other", "mount destination \".\"", dot);
        var hostname = Clone();
        SetPath(hostname, "hostname", new string('h', 65));
        yield return Case("other", "a 65-byte hostname", hostname);
        var longPath = Clone();
        ((JsonArray)longPath["mounts"]!).Add((JsonNode)new JsonObject { ["destination"] = "/" + new string('d', 5000), ["type"] = "tmpfs", ["source"] = "tmpfs" });
        yield return Case("other", "a 5001-byte mount destination", longPath);
    }

    // ---- JSON helpers ----

    private JsonObject Clone() => (JsonObject)_base.DeepClone();

    private static MutatedConfig Case(string family, string description, JsonObject config) =>
        new(family, description, Encoding.UTF8.GetBytes(config.ToJsonString()));

    private List<string> StringLeaves()
    {
        var strings = new List<string>();
        Walk(_base, "", (parent, path, key, node) =>
        {
            if (node is JsonValue v && v.TryGetValue<string>(out _) && !path.StartsWith("annotations", StringComparison.Ordinal))
            {
                strings.Add(path);
            }
        }, includeContainers: false);
        return strings;
    }

    private static void Walk(JsonNode node, string path, Action<JsonNode, string, object, JsonNode?> visit, bool includeContainers)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                var at = path.Length == 0 ? name : path + "." + name;
                if (child is null)
                {
                    continue;
                }
                if (child is JsonValue || includeContainers)
                {
                    visit(obj, at, name, child);
                }
                Walk(child, at, visit, includeContainers);
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var at = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (array[i] is not { } child)
                {
                    continue;
                }
                if (child is JsonValue || includeContainers)
                {
                    visit(array, at, i, child);
                }
                Walk(child, at, visit, includeContainers);
            }
        }
    }

    /// <summary>The parent and key of the node at a path written as Walk writes it (a.b[2].c).</summary>
    private static (JsonNode Parent, object Key) Locate(JsonNode root, string path)
    {
        JsonNode parent = root;
        object? key = null;
        var i = 0;
        while (i < path.Length)
        {
            if (key is not null)
            {
                parent = Get(parent, key)!;
            }
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                key = int.Parse(path[(i + 1)..end], CultureInfo.InvariantCulture);
                i = end + 1;
            }
            else
            {
                if (path[i] == '.')
                {
                    i++;
                }
                var end = path.IndexOfAny(['.', '['], i);
                end = end < 0 ? path.Length : end;
                key = path[i..end];
                i = end;
            }
        }
        return (parent, key!);
    }

    private static JsonNode? Get(JsonNode parent, object key) => key is int index ? parent[index] : parent[(string)key];

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is int index)
        {
            parent[index] = value;
        }
        else
        {
            parent[(string)key] = value;
        }
    }

    private static bool Remove(JsonNode root, string path)
    {
        try
        {
            var (parent, key) = Locate(root, path);
            if (Get(parent, key) is null)
            {
                return false;
            }
            if (key is int index)
            {
                ((JsonArray)parent).RemoveAt(index);
            }
            else
            {
                ((JsonObject)parent).Remove((string)key);
            }
            return true;
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Sets a dotted path, making the objects on the way.</summary>
    private static void SetPath(JsonObject root, string path, JsonNode value)
    {
        var names = path.Split('.');
        JsonObject at = root;
        foreach (var name in names[..^1])
        {
            if (at[name] is not JsonObject next)
            {
                next = new JsonObject();
                at[name] = next;
            }
            at = next;
        }
        at[names[^1]] = value;
    }

    private static string Kind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        null => "null",
        _ => node.GetValueKind().ToString().ToLowerInvariant(),
    };
}
