namespace Hutch.Runtime.Hooks;

/// <summary>A hook failed: it could not start, exited non-zero, was killed, or timed out. The message names the phase and the hook.</summary>
internal sealed class HookException : Exception
{
    public HookException(string message) : base(message)
    {
    }

    public HookException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public HookException()
    {
    }
}
