namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// A lifecycle operation refused or failed on a container: the message names the container, the
/// state it is in and what to do. containerd matches "container not running" in some of them.
/// </summary>
internal sealed class LifecycleException : Exception
{
    public LifecycleException(string message) : base(message)
    {
    }

    public LifecycleException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LifecycleException()
    {
    }
}
