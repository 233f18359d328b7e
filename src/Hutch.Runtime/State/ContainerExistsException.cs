namespace Hutch.Runtime.State;

/// <summary>Create of an id that is taken. The message is runc's ("container with id X already exists").</summary>
internal sealed class ContainerExistsException(string id)
    : Exception($"container with id {id} already exists")
{
    public string Id { get; } = id;
}
