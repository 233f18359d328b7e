using System.CommandLine;
using Hutch.Runtime.Features;
using Hutch.Spec;

namespace Hutch.Commands;

/// <summary>`hutch features`: the runtime-spec features document (features.md) of what this build
/// implements, as JSON on stdout.</summary>
internal sealed class FeaturesCommand : Command
{
    internal const string CommandName = "features";

    internal FeaturesCommand() : base(CommandName, "show the enabled features (runtime-spec features.md)")
    {
        SetAction(result =>
        {
            result.InvocationConfiguration.Output.Write(Render());
            return ExitCodes.Success;
        });
    }

    /// <summary>The JSON document of this build, newline-terminated.</summary>
    internal static string Render() => Render(BuildInfo.Version, BuildInfo.Commit);

    internal static string Render(string version, string commit) =>
        FeaturesJson.Serialize(ImplementedFeatures.Create(version, commit)) + "\n";
}
