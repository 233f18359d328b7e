namespace Hutch;

/// <summary>hutch's own exit statuses. `run` and `exec` return the container process's status instead.</summary>
internal static class ExitCodes
{
    internal const int Success = 0;

    /// <summary>Any failure, including a command line that does not parse (as runc).</summary>
    internal const int Failure = 1;
}
