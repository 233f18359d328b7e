namespace Hutch.Testing;

/// <summary>A fact that needs root: skipped, with the reason, when the effective uid is not 0.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Host.IsRoot)
        {
            Skip = "needs root (run the suite as root: sudo make test)";
        }
    }
}

/// <summary>A theory that needs root: skipped, with the reason, when the effective uid is not 0.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!Host.IsRoot)
        {
            Skip = "needs root (run the suite as root: sudo make test)";
        }
    }
}

public static class Host
{
    /// <summary>The effective uid (second field of Uid: in /proc/self/status) is 0.</summary>
    public static bool IsRoot { get; } = File.ReadAllLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
        .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";

    /// <summary>A name unique to this test run, short enough for an interface (15 bytes).</summary>
    public static string UniqueName(string prefix)
    {
        var suffix = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant();
        var name = prefix + suffix;
        return name.Length > 15 ? name[..15] : name;
    }

    /// <summary>The repository's root (the folder holding hutch.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hutch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("hutch.sln not found above " + AppContext.BaseDirectory);
    }
}
