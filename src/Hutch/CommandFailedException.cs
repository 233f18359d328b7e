namespace Hutch;

/// <summary>
/// A failure the CLI itself detects (a file that would be overwritten, a command not implemented yet).
/// Its message is printed as `hutch: &lt;message&gt;`; failures of the runtime keep their own exception types.
/// </summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message) : base(message)
    {
    }

    public CommandFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CommandFailedException()
    {
    }
}
