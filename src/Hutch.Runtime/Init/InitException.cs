namespace Hutch.Runtime.Init;

/// <summary>
/// A step of the container's init failed (in the init itself, or in the parent's half of the
/// protocol). The message names the step and the object, and becomes create's error as is.
/// </summary>
internal sealed class InitException : Exception
{
    public InitException(string message) : base(message)
    {
    }

    public InitException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public InitException()
    {
    }
}
