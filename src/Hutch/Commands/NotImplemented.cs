namespace Hutch.Commands;

/// <summary>The failure of a command whose lifecycle has not landed yet: its flags parse, and it
/// exits 1 with a clear message (never a fake success that a client would act on).</summary>
internal static class NotImplemented
{
    internal static CommandFailedException Command(string name) =>
        new($"{name} is not implemented yet");

    internal static CommandFailedException NoCriu(string name) =>
        new($"{name} is not supported (no CRIU)");
}
