namespace Hutch.Runtime.State;

/// <summary>
/// The state store failed on a file or directory: corrupt or unreadable state.json, a root
/// that cannot be created, a lock that cannot be taken. The message names the path.
/// </summary>
internal class StateException : Exception
{
    public StateException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) => Path = path;

    /// <summary>The file or directory concerned.</summary>
    public string Path { get; }
}
