using System.CommandLine;
using Hutch.Runtime.Init;

namespace Hutch.Commands;

/// <summary>`hutch init`: hidden; the container's init, which `create` starts from a read-only view (or sealed copy) of hutch.</summary>
internal sealed class InitCommand : Command
{
    internal const string CommandName = "init";

    internal InitCommand() : base(CommandName, "the container's init (started by create; not for direct use)")
    {
        Hidden = true;
        SetAction(_ => InitProcess.Run());
    }
}
