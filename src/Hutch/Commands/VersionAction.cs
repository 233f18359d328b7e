using System.CommandLine;
using System.CommandLine.Invocation;

namespace Hutch.Commands;

/// <summary>`hutch --version` / `-v`: exactly three lines, runc's prefixes (go-runc and podman
/// parse "&lt;name&gt; version ", "commit: " and "spec: ").</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    internal static string Text =>
        $"hutch version {BuildInfo.Version}\ncommit: {BuildInfo.Commit}\nspec: {BuildInfo.SpecVersion}\n";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(Text);
        return ExitCodes.Success;
    }
}
