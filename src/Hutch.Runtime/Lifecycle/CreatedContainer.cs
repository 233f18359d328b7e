using Hutch.Linux.Spawn;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// A container create made: its saved state and its init, a child of this process (so `run`
/// can wait for it). Dispose closes the handles; it neither kills nor reaps the init.
/// </summary>
internal sealed class CreatedContainer(ContainerState state, SpawnedProcess init) : IDisposable
{
    public ContainerState State { get; } = state;

    public SpawnedProcess Init { get; } = init;

    public void Dispose() => Init.Dispose();
}
