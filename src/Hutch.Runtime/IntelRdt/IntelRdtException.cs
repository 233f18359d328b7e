namespace Hutch.Runtime.IntelRdt;

/// <summary>
/// linux.intelRdt cannot be applied on this host: the message names the JSON path, why and what to
/// do, e.g. "linux.intelRdt.closID: cannot be applied: this host has no resctrl filesystem ...".
/// </summary>
internal sealed class IntelRdtException : Exception
{
    public IntelRdtException(string jsonPath, string message, Exception? inner = null)
        : base($"{jsonPath}: {message}", inner) => JsonPath = jsonPath;

    public IntelRdtException() : this("linux.intelRdt", "cannot be applied") { }

    public IntelRdtException(string message) : this("linux.intelRdt", message) { }

    public IntelRdtException(string message, Exception innerException) : this("linux.intelRdt", message, innerException) { }

    /// <summary>The config field at fault ("linux.intelRdt.closID").</summary>
    public string JsonPath { get; }
}
