namespace Hutch.Spec;

/// <summary>
/// config.json could not be read or decoded: missing file, invalid JSON, or a value of the
/// wrong type. The message names the file, the JSON path and, when known, the line.
/// </summary>
internal sealed class ConfigFormatException : Exception
{
    private readonly string source;

    public ConfigFormatException(string source, string? jsonPath, string message, Exception? inner = null)
        : base(message, inner)
    {
        this.source = source;
        JsonPath = jsonPath;
    }

    public ConfigFormatException()
        : this("config.json", null, "config.json: invalid")
    {
    }

    public ConfigFormatException(string message)
        : this("config.json", null, message)
    {
    }

    public ConfigFormatException(string message, Exception inner)
        : this("config.json", null, message, inner)
    {
    }

    /// <summary>The file (or name) the JSON came from, e.g. "config.json" or a full path.</summary>
    public override string Source => source;

    /// <summary>The offending JSON path in the spec's style (linux.namespaces[0].type); null for file and syntax errors.</summary>
    public string? JsonPath { get; }

    /// <summary>1-based line of the error, when the decoder knew it.</summary>
    public long? Line { get; init; }
}
