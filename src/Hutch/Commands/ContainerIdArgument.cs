using System.CommandLine;

namespace Hutch.Commands;

/// <summary>The `&lt;container-id&gt;` argument most commands take.</summary>
internal static class ContainerIdArgument
{
    internal static Argument<string> Create() => new("container-id")
    {
        Description = "the container's id (unique under --root)",
    };
}
