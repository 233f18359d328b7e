namespace Hutch.Logging;

/// <summary>The levels hutch writes; their names are logrus's, which containerd's shim matches on.</summary>
internal enum LogLevel
{
    Debug,
    Warning,
    Error,
}

internal static class LogLevels
{
    internal static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown log level"),
    };
}
