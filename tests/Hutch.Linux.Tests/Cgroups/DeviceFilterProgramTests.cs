using Hutch.Linux.Cgroups;

namespace Hutch.Linux.Tests.Cgroups;

public class DeviceFilterProgramTests
{
    private static DeviceFilterRule Allow(DeviceKind kind, long major, long minor, string access) =>
        new(true, kind, major, minor, DeviceFilterRule.ParseAccess(access)!.Value);

    private static DeviceFilterRule Deny(DeviceKind kind, long major, long minor, string access) =>
        new(false, kind, major, minor, DeviceFilterRule.ParseAccess(access)!.Value);

    private static readonly DeviceFilterRule DenyAll = new(false, DeviceKind.All, -1, -1, DeviceAccess.All);
    private static readonly DeviceFilterRule AllowAll = new(true, DeviceKind.All, -1, -1, DeviceAccess.All);

    private static string Hex(byte[] program) =>
        string.Join("\n", program.Chunk(8).Select(Convert.ToHexStringLower));

    [Fact]
    public void Golden_whitelist_with_exact_and_wildcard_minor()
    {
        var program = DeviceFilterProgram.Encode([DenyAll, Allow(DeviceKind.Char, 1, 3, "rwm"), Allow(DeviceKind.Char, 136, -1, "rw")]);
        var expected = string.Join("\n",
            "6112000000000000", // ldxw r2, [r1+0]
            "54020000ffff0000", // and32 r2, 0xffff       (type)
            "6113000000000000", // ldxw r3, [r1+0]
            "7403000010000000", // rsh32 r3, 16           (access)
            "6114040000000000", // ldxw r4, [r1+4]        (major)
            "6115080000000000", // ldxw r5, [r1+8]        (minor)
            "5602040002000000", // jne32 r2, 2 (char), +4
            "5604030001000000", // jne32 r4, 1, +3
            "5605020003000000", // jne32 r5, 3, +2
            "b400000001000000", // mov32 r0, 1
            "9500000000000000", // exit
            "5602060002000000", // jne32 r2, 2, +6
            "bc31000000000000", // mov32 r1, r3
            "5401000001000000", // and32 r1, m (what rw does not grant)
            "5601030000000000", // jne32 r1, 0, +3
            "5604020088000000", // jne32 r4, 136, +2
            "b400000001000000", // mov32 r0, 1
            "9500000000000000", // exit
            "b400000000000000", // mov32 r0, 0            (default: deny)
            "9500000000000000"); // exit
        Assert.Equal(expected, Hex(program));
    }

    [Fact]
    public void Golden_blacklist_denies_on_any_requested_bit()
    {
        var program = DeviceFilterProgram.Encode([AllowAll, Deny(DeviceKind.Block, 8, -1, "w")]);
        var expected = string.Join("\n",
            "6112000000000000",
            "54020000ffff0000",
            "6113000000000000",
            "7403000010000000",
            "6114040000000000",
            "6115080000000000",
            "5602060001000000", // jne32 r2, 1 (block), +6
            "bc31000000000000", // mov32 r1, r3
            "5401000004000000", // and32 r1, w
            "1601030000000000", // jeq32 r1, 0, +3
            "5604020008000000", // jne32 r4, 8, +2
            "b400000000000000", // mov32 r0, 0 (deny)
            "9500000000000000",
            "b400000001000000", // default: allow
            "9500000000000000");
        Assert.Equal(expected, Hex(program));
    }

    [Fact]
    public void Empty_rule_list_denies_everything()
    {
        var program = DeviceFilterProgram.Encode([]);
        Assert.Equal(8 * 8, program.Length);
        Assert.Equal(0, DeviceFilterInterpreter.Run(program, Ctx(DeviceKind.Char, DeviceAccess.Read), 1, 3));
    }

    public static TheoryData<string> RuleLists => new()
    {
        "docker", "whitelist-partial", "blacklist", "reset-midway", "revoke", "large-major",
    };

    private static List<DeviceFilterRule> RulesFor(string name) => name switch
    {
        // docker-run.json's list, then runc's default allows
        "docker" =>
        [
            DenyAll, Allow(DeviceKind.Char, 1, 5, "rwm"), Allow(DeviceKind.Char, 1, 3, "rwm"), Allow(DeviceKind.Char, 1, 9, "rwm"),
            Allow(DeviceKind.Char, 1, 8, "rwm"), Allow(DeviceKind.Char, 5, 0, "rwm"), Allow(DeviceKind.Char, 5, 1, "rwm"),
            Deny(DeviceKind.Char, 10, 229, "rwm"), Allow(DeviceKind.Char, -1, -1, "m"), Allow(DeviceKind.Block, -1, -1, "m"),
            Allow(DeviceKind.Char, 136, -1, "rwm"), Allow(DeviceKind.Char, 5, 2, "rwm"), Allow(DeviceKind.Char, 10, 200, "rwm"),
        ],
        "whitelist-partial" => [DenyAll, Allow(DeviceKind.Char, 1, 3, "r"), Allow(DeviceKind.Char, 1, -1, "w"), Allow(DeviceKind.Block, -1, 0, "rm")],
        "blacklist" => [AllowAll, Deny(DeviceKind.Char, 1, 5, "rw"), Deny(DeviceKind.Block, -1, -1, "m")],
        "reset-midway" => [AllowAll, Deny(DeviceKind.Char, 1, 3, "rwm"), DenyAll, Allow(DeviceKind.Char, 1, 9, "rwm")],
        "revoke" => [DenyAll, Allow(DeviceKind.Char, 1, 3, "rwm"), Deny(DeviceKind.Char, 1, 3, "w"), Allow(DeviceKind.Char, 4, 1, "rw"), Deny(DeviceKind.Char, 4, 1, "rw")],
        "large-major" => [DenyAll, Allow(DeviceKind.Char, 4_000_000_000, 3, "rwm")],
        _ => throw new ArgumentException(name),
    };

    private static uint Ctx(DeviceKind kind, DeviceAccess access) =>
        ((uint)access << 16) | (uint)(kind == DeviceKind.Block ? DeviceFilterProgram.DevBlock : DeviceFilterProgram.DevChar);

    [Theory]
    [MemberData(nameof(RuleLists))]
    public void Program_decides_like_the_v1_controller_for_every_probe(string name)
    {
        var set = DeviceFilterRuleSet.Build(RulesFor(name));
        var program = DeviceFilterProgram.Encode(set);
        var numbers = new uint[] { 0, 1, 3, 4, 5, 8, 9, 10, 136, 200, 229, 4_000_000_000 };
        var checkedCount = 0;
        foreach (var kind in new[] { DeviceKind.Char, DeviceKind.Block })
        {
            foreach (var major in numbers)
            {
                foreach (var minor in numbers)
                {
                    for (var access = 1; access <= 7; access++)
                    {
                        var expected = set.Allows(kind, major, minor, (DeviceAccess)access) ? 1 : 0;
                        var actual = DeviceFilterInterpreter.Run(program, Ctx(kind, (DeviceAccess)access), major, minor);
                        Assert.True(expected == actual, $"{name}: {kind} {major}:{minor} access {access}: program says {actual}, v1 semantics {expected}");
                        checkedCount++;
                    }
                }
            }
        }
        Assert.Equal(2 * 12 * 12 * 7, checkedCount);
    }

    [Fact]
    public void Rule_set_follows_the_v1_controller()
    {
        var docker = DeviceFilterRuleSet.Build(RulesFor("docker"));
        Assert.False(docker.DefaultAllow);
        Assert.True(docker.Allows(DeviceKind.Char, 1, 3, DeviceAccess.All));
        Assert.False(docker.Allows(DeviceKind.Char, 10, 229, DeviceAccess.Read));
        Assert.True(docker.Allows(DeviceKind.Char, 10, 229, DeviceAccess.Mknod)); // c *:* m
        Assert.True(docker.Allows(DeviceKind.Char, 136, 7, DeviceAccess.Read | DeviceAccess.Write));

        var partial = DeviceFilterRuleSet.Build(RulesFor("whitelist-partial"));
        Assert.True(partial.Allows(DeviceKind.Char, 1, 3, DeviceAccess.Read));
        Assert.False(partial.Allows(DeviceKind.Char, 1, 3, DeviceAccess.Read | DeviceAccess.Write)); // no single rule covers rw

        var reset = DeviceFilterRuleSet.Build(RulesFor("reset-midway"));
        Assert.False(reset.DefaultAllow);
        Assert.Equal(["allow c 1:9 rwm"], reset.Exceptions.Select(e => e.ToString()));

        var revoke = DeviceFilterRuleSet.Build(RulesFor("revoke"));
        Assert.Equal(["allow c 1:3 rm"], revoke.Exceptions.Select(e => e.ToString()));
    }

    [Fact]
    public void Taking_access_from_a_wider_rule_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            DeviceFilterRuleSet.Build([DenyAll, Allow(DeviceKind.Char, 1, -1, "rwm"), Deny(DeviceKind.Char, 1, 5, "w")]));
        Assert.Contains("c 1:*", e.Message);
        Assert.Contains("rule 2", e.Message);
    }

    [Fact]
    public void V1_strings_are_what_devices_allow_takes()
    {
        Assert.Equal("a", DenyAll.ToV1String());
        Assert.Equal("c 1:3 rwm", Allow(DeviceKind.Char, 1, 3, "mwr").ToV1String());
        Assert.Equal("b *:* m", Allow(DeviceKind.Block, -1, -1, "m").ToV1String());
        Assert.Equal("c 136:* rw", Allow(DeviceKind.Char, 136, -1, "wr").ToV1String());
        Assert.Null(DeviceFilterRule.ParseAccess("rx"));
    }
}
