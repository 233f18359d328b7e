namespace Hutch.Runtime.State;

/// <summary>
/// No container has this id. The message holds "does not exist", which containerd's shim
/// matches (as it does runc's "container X does not exist").
/// </summary>
internal class ContainerNotFoundException : Exception
{
    public ContainerNotFoundException(string id) : this(id, $"container {id} does not exist") { }

    protected ContainerNotFoundException(string id, string message) : base(message) => Id = id;

    public string Id { get; }
}
