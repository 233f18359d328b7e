using System.Text;
using Hutch.Runtime.InitPlans;
using Hutch.Spec;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.InitPlans;

/// <summary>
/// The init plan of each real client config (tests/data/configs) against its checked-in text
/// (tests/data/init-plans/NAME.plan): any change in what the init would do shows as a diff.
/// HUTCH_UPDATE_GOLDEN=1 rewrites the files (then review the diff with git). No root needed.
/// </summary>
public class InitPlanGoldenTests
{
    private static string ConfigsDir => Path.Combine(Host.RepoRoot, "tests", "data", "configs");

    private static string PlansDir => Path.Combine(Host.RepoRoot, "tests", "data", "init-plans");

    public static TheoryData<string> Configs()
    {
        var names = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ConfigsDir, "*.json").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }
        return names;
    }

    /// <summary>The plan create would build for this config: bundle /bundle, id "golden", the
    /// console socket given when the process wants a terminal, 40 as the kernel's last capability.</summary>
    internal static InitPlan PlanOf(string name)
    {
        var config = ConfigJson.Load(Path.Combine(ConfigsDir, name + ".json"));
        return InitPlanBuilder.Build(new InitPlanInput
        {
            Config = config,
            Bundle = "/bundle",
            Id = "golden",
            ConsoleSocket = config.Process?.Terminal == true,
            LastCapability = 40,
        });
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_plan_of_a_real_config_is_its_golden_text(string name)
    {
        var text = InitPlanText.Render(PlanOf(name));
        var golden = Path.Combine(PlansDir, name + ".plan");
        if (Environment.GetEnvironmentVariable("HUTCH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(PlansDir);
            File.WriteAllText(golden, text);
        }
        Assert.True(File.Exists(golden), $"{golden} is missing: run the test with HUTCH_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(golden), text);
    }

    [Fact]
    public void Every_captured_config_has_a_golden_plan_and_every_golden_plan_a_config()
    {
        var configs = Directory.GetFiles(ConfigsDir, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        var plans = Directory.GetFiles(PlansDir, "*.plan").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        var encodings = Directory.GetFiles(PlansDir, "*.bin").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        Assert.True(configs.Count() >= 9, $"expected the captured configs in {ConfigsDir}");
        Assert.Equal(configs, plans);
        Assert.Equal(configs, encodings);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_encoding_of_a_real_plan_decodes_to_the_same_plan(string name)
    {
        var plan = PlanOf(name);

        var bytes = InitPlanEncoding.Encode(plan);
        var back = InitPlanEncoding.Decode(bytes);

        Assert.Equal(0, bytes.Length % 4);
        Assert.Equal(InitPlanText.Render(plan), InitPlanText.Render(back));
        Assert.Equal(bytes, InitPlanEncoding.Encode(back));
    }

    /// <summary>The encoded bytes are checked in beside the text (NAME.bin): the seeds of the native
    /// decoder's fuzz target (tests/native/fuzz) and a pin of the encoding itself.</summary>
    [Theory]
    [MemberData(nameof(Configs))]
    public void The_encoding_of_a_real_plan_is_its_golden_bytes(string name)
    {
        var bytes = InitPlanEncoding.Encode(PlanOf(name));
        var golden = Path.Combine(PlansDir, name + ".bin");
        if (Environment.GetEnvironmentVariable("HUTCH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(PlansDir);
            File.WriteAllBytes(golden, bytes);
        }
        Assert.True(File.Exists(golden), $"{golden} is missing: run the test with HUTCH_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllBytes(golden), bytes);
    }

    [Fact]
    public void The_golden_plans_are_written_for_people_too()
    {
        var text = File.ReadAllText(Path.Combine(PlansDir, "runc-spec.plan"));

        Assert.StartsWith("# hutch init plan, encoding version 1", text, StringComparison.Ordinal);
        Assert.Contains("mount source=\"proc\" destination=\"/proc\" type=\"proc\"", text, StringComparison.Ordinal);
        Assert.Contains("pivot-root\n", text, StringComparison.Ordinal);
        Assert.Contains("masked-path path=\"/proc/kcore\"", text, StringComparison.Ordinal);
        Assert.EndsWith("wait-for-start\n", text, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), text.Length); // the captured configs are ASCII
    }
}
