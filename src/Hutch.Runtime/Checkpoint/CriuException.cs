namespace Hutch.Runtime.Checkpoint;

/// <summary>A checkpoint or restore that failed: CRIU refused or failed, or hutch could not prepare it.
/// The message names the container, the step and, when CRIU ran, its log file.</summary>
internal sealed class CriuException : Exception
{
    public CriuException(string message) : base(message)
    {
    }

    public CriuException(string message, Exception inner) : base(message, inner)
    {
    }
}
