using System.CommandLine;

namespace Hutch.Commands;

/// <summary>The `--format` values of `list` and `ps`.</summary>
internal static class OutputFormats
{
    internal const string Table = "table";
    internal const string Json = "json";

    internal static void AcceptTableOrJson(Option<string> option) =>
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not (Table or Json))
            {
                result.AddError($"invalid --format \"{value}\": use table or json");
            }
        });
}
