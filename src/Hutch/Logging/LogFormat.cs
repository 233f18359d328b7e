namespace Hutch.Logging;

/// <summary>The record format of the `--log` file, chosen with `--log-format` (runc's names).</summary>
internal enum LogFormat
{
    /// <summary>logfmt-style lines: <c>time="..." level=error msg="..."</c>.</summary>
    Text,

    /// <summary>One JSON object per line: <c>{"level":"error","msg":"...","time":"..."}</c> (containerd reads these).</summary>
    Json,
}

internal static class LogFormats
{
    internal const string TextName = "text";
    internal const string JsonName = "json";

    internal static bool TryParse(string? name, out LogFormat format)
    {
        switch (name)
        {
            case TextName:
                format = LogFormat.Text;
                return true;
            case JsonName:
                format = LogFormat.Json;
                return true;
            default:
                format = LogFormat.Text;
                return false;
        }
    }
}
