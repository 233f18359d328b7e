using Hutch.Linux.Interop;

namespace Hutch.Linux.Spawn;

/// <summary>
/// An fd the executed program inherits: <see cref="Source"/> is dup2'ed onto fd number
/// <see cref="Target"/> (which loses close-on-exec). Every other fd above 2 is closed.
/// </summary>
internal readonly record struct FdMapping(SafeFd Source, int Target);
