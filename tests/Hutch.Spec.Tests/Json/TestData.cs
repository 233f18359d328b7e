using Hutch.Testing;

namespace Hutch.Spec.Tests.Json;

internal static class TestData
{
    public static string ConfigsDir => Path.Combine(Host.RepoRoot, "tests", "data", "configs");

    public static string Config(string name) => Path.Combine(ConfigsDir, name);
}
