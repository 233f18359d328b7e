namespace Hutch.Runtime.State;

/// <summary>An id that <see cref="ContainerId.Check"/> refuses; the message says which characters are allowed.</summary>
internal sealed class InvalidContainerIdException(string id, string reason)
    : Exception(reason)
{
    public string Id { get; } = id;
}
