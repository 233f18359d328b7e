namespace Hutch.Commands;

/// <summary>The failure of a command hutch does not support (checkpoint and restore: no CRIU): its
/// flags parse, and it exits 1 with a clear message (never a fake success that a client would act on).</summary>
internal static class NotImplemented
{
    internal static CommandFailedException NoCriu(string name) =>
        new($"{name} is not supported (no CRIU)");
}
