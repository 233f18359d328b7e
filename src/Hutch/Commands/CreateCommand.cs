using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Lifecycle;

namespace Hutch.Commands;

/// <summary>`hutch create [options] &lt;container-id&gt;`: runc's create flags.</summary>
internal sealed class CreateCommand : Command
{
    internal const string CommandName = "create";

    internal CreateFlags Flags { get; } = new();

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal CreateCommand(GlobalOptions globals) : base(CommandName, "create a container")
    {
        Flags.AddTo(this);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal CreateRequest Bind(ParseResult result) => Flags.Bind(result, result.GetRequiredValue(ContainerId));

    private static int Run(CreateRequest request, GlobalSettings globals, TextWriter error)
    {
        using var created = Create.Run(request.ToOptions(globals, error));
        return ExitCodes.Success;
    }
}

/// <summary>What `create` was asked. Bundle null: the current directory.</summary>
internal sealed record CreateRequest(
    string Id,
    string? Bundle,
    string? Config,
    string? ConsoleSocket,
    string? PidfdSocket,
    string? PidFile,
    bool NoPivot,
    bool NoNewKeyring,
    int PreserveFds)
{
    internal CreateOptions ToOptions(GlobalSettings globals, TextWriter error) => new()
    {
        Root = globals.Root,
        Rootless = globals.IsRootless,
        Id = Id,
        Bundle = Bundle,
        ConfigPath = Config,
        ConsoleSocket = ConsoleSocket,
        PidFile = PidFile,
        NoPivot = NoPivot,
        NoNewKeyring = NoNewKeyring,
        PreserveFds = PreserveFds,
        SystemdCgroup = globals.SystemdCgroup,
        Warn = message => CliLog.Warn(error, message),
        Debug = globals.Debug ? message => CliLog.Active?.Debug(message) : null,
    };
}
