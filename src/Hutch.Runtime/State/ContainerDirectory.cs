using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.State;

/// <summary>
/// A container's directory, &lt;root&gt;/&lt;id&gt;, as <see cref="StateStore.Claim"/> returns it:
/// created by this process and locked (<see cref="Lock"/>) until Dispose. It holds
/// state.json and, between create and start, exec.fifo.
/// </summary>
internal sealed class ContainerDirectory : IDisposable
{
    /// <summary>hutch's record of the container (see <see cref="ContainerState"/>).</summary>
    public const string StateFileName = "state.json";

    /// <summary>The fifo the init blocks on until `start` opens it; present means "created".</summary>
    public const string ExecFifoName = "exec.fifo";

    internal ContainerDirectory(string id, string path, ContainerLock heldLock)
    {
        Id = id;
        Path = path;
        Lock = heldLock;
    }

    public string Id { get; }

    /// <summary>&lt;root&gt;/&lt;id&gt; (mode 0711).</summary>
    public string Path { get; }

    public string StatePath => StatePathOf(Path);

    public string ExecFifoPath => ExecFifoPathOf(Path);

    /// <summary>The exclusive lock taken with the claim; Dispose releases it.</summary>
    public ContainerLock Lock { get; }

    /// <summary>
    /// Creates exec.fifo (mode 0622, as runc: writable by the container's init whatever
    /// its uid, readable only by root) and returns its path.
    /// </summary>
    public string CreateExecFifo()
    {
        var path = ExecFifoPath;
        const uint mode = 0b110_010_010; // 0622
        if (Libc.mkfifo(path, mode) != 0)
        {
            throw new StateException(path, $"cannot create the exec fifo (mkfifo): {Errno.Describe(Libc.LastErrno)}");
        }
        // mkfifo's mode passes through the umask; set the intended one.
        if (Libc.chmod(path, mode) != 0)
        {
            throw new StateException(path, $"cannot set the mode of the exec fifo (chmod 0622): {Errno.Describe(Libc.LastErrno)}");
        }
        return path;
    }

    /// <summary>
    /// Keeps a copy of the bundle's config.json here (later commands read it, not the bundle's).
    /// Throws <see cref="StateException"/> in hutch's words ("no space left on device").
    /// </summary>
    public void WriteConfigCopy(byte[] configBytes)
    {
        var path = System.IO.Path.Combine(Path, "config.json");
        try
        {
            File.WriteAllBytes(path, configBytes);
        }
        catch (Exception e) when (IoErrors.IsIoFailure(e))
        {
            throw new StateException(path, $"cannot keep a copy of config.json: {IoErrors.Describe(e)}", e);
        }
    }

    public void Dispose() => Lock.Dispose();

    internal static string StatePathOf(string containerDirectory) => System.IO.Path.Combine(containerDirectory, StateFileName);

    internal static string ExecFifoPathOf(string containerDirectory) => System.IO.Path.Combine(containerDirectory, ExecFifoName);
}
