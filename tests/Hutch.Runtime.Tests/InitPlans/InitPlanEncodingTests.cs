using Hutch.Runtime.InitPlans;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.InitPlans;

/// <summary>The decoder (what the C decoder must match) refuses every malformed plan with a
/// FormatException and nothing else: truncations at every length, unknown kinds and versions,
/// and a bounded run of random byte changes over a real plan.</summary>
public class InitPlanEncodingTests
{
    private static byte[] RealPlan() => InitPlanEncoding.Encode(InitPlanGoldenTests.PlanOf("docker-run"));

    [Fact]
    public void Every_truncation_is_refused()
    {
        var bytes = RealPlan();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => InitPlanEncoding.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Another_version_an_unknown_kind_and_trailing_bytes_are_refused()
    {
        var bytes = RealPlan();

        var version = (byte[])bytes.Clone();
        version[4] = 2;
        Assert.Contains("version 2", Assert.Throws<FormatException>(() => InitPlanEncoding.Decode(version)).Message, StringComparison.Ordinal);

        var kind = (byte[])bytes.Clone();
        kind[16] = 0xff;
        kind[17] = 0x7f;
        Assert.Contains("unknown kind", Assert.Throws<FormatException>(() => InitPlanEncoding.Decode(kind)).Message, StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => InitPlanEncoding.Decode([.. bytes, 0, 0, 0, 0]));
        Assert.Throws<FormatException>(() => InitPlanEncoding.Decode("HPLX"u8.ToArray()));
    }

    [Fact]
    public void Random_changes_give_a_plan_or_a_FormatException_never_anything_else()
    {
        var bytes = RealPlan();
        var random = new Random(14);
        for (var round = 0; round < 20000; round++)
        {
            var changed = (byte[])bytes.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                changed[random.Next(changed.Length)] = (byte)random.Next(256);
            }
            try
            {
                InitPlanEncoding.Decode(changed);
            }
            catch (FormatException)
            {
            }
        }
    }

    [Fact]
    public void Every_op_kind_has_a_schema_and_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(Host.RepoRoot, "docs", "design", "init-plan.md"));
        foreach (var kind in Enum.GetValues<InitOpKind>())
        {
            var fields = InitOpSchema.Fields(kind);
            Assert.Contains($"| {(ushort)kind} | `{InitPlanText.ToKebab(kind.ToString())}` |", doc, StringComparison.Ordinal);
            foreach (var field in fields)
            {
                Assert.Contains(field.Name, doc, StringComparison.Ordinal);
            }
        }
    }
}
