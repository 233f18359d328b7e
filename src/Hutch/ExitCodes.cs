namespace Hutch;

/// <summary>hutch's own exit statuses. `run` and `exec` return the container process's status instead.</summary>
internal static class ExitCodes
{
    internal const int Success = 0;

    /// <summary>Any failure, including a command line that does not parse (as runc).</summary>
    internal const int Failure = 1;

    /// <summary>`exec`'s own failures (runc exits 255 there, keeping 1..254 for the process's status).</summary>
    internal const int ExecFailure = 255;
}
