using System.Globalization;
using System.Text.RegularExpressions;
using Hutch.Linux.Interop;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Abi;

/// <summary>
/// The ABI table of native/abi.h (whose every line the C compiler checks with _Static_assert)
/// against the C# structs (NativeAbi.Layout), and the start-up check hutch runs with it.
/// </summary>
public partial class NativeAbiTableTests
{
    [GeneratedRegex(@"HUTCH_ABI_(SIZE|FIELD)\((\w+), (?:(\w+), )?(\d+)\)")]
    private static partial Regex TableLine();

    private static List<(string Name, int Value)> HeaderTable()
    {
        var header = File.ReadAllText(Path.Combine(Host.RepoRoot, "native", "abi.h"));
        var start = header.IndexOf("#define HUTCH_ABI_LAYOUT", StringComparison.Ordinal);
        var end = header.IndexOf("\n\n", start, StringComparison.Ordinal);
        return TableLine().Matches(header[start..end])
            .Select(m => (m.Groups[3].Success ? m.Groups[2].Value + "." + m.Groups[3].Value : m.Groups[2].Value,
                int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    [Fact]
    public void The_CSharp_structs_match_the_checked_table_line_by_line()
    {
        var table = HeaderTable();
        var csharp = NativeAbi.Layout();

        Assert.True(table.Count > 70, $"only {table.Count} lines read from native/abi.h");
        Assert.Equal(table.Select(t => t.Name), csharp.Select(c => c.Name));
        var wrong = table.Zip(csharp).Where(p => p.First.Value != p.Second.Value)
            .Select(p => $"{p.First.Name}: C {p.First.Value}, C# {p.Second.Value}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void The_library_and_the_CSharp_side_agree_as_the_start_up_check_sees_them()
    {
        Assert.Equal(NativeAbi.LayoutHash(), Libc.hutch_abi_layout_hash());
        Assert.Null(NativeAbi.Mismatch());
    }

    [Fact]
    public void A_mismatch_names_both_halves_and_what_to_do()
    {
        var hash = NativeAbi.LayoutHash();

        var version = NativeAbi.Mismatch(NativeAbi.Version + 1, hash);
        var layout = NativeAbi.Mismatch(NativeAbi.Version, hash ^ 1);

        Assert.NotNull(version);
        Assert.Contains($"ABI version {NativeAbi.Version + 1}", version, StringComparison.Ordinal);
        Assert.Contains($"expects ABI version {NativeAbi.Version}", version, StringComparison.Ordinal);
        Assert.Contains("make build", version, StringComparison.Ordinal);
        Assert.NotNull(layout);
        Assert.Contains((hash ^ 1).ToString("x16", CultureInfo.InvariantCulture), layout, StringComparison.Ordinal);
        Assert.Null(NativeAbi.Mismatch(NativeAbi.Version, hash));
    }
}
