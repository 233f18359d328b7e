using System.Diagnostics;
using System.Globalization;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;

namespace Hutch.Runtime.Init;

/// <summary>How the container's init executable was made unwritable (CVE-2019-5736).</summary>
internal enum InitExecutableKind
{
    /// <summary>The host binary through a detached read-only overlayfs (<see cref="ReadOnlySelfExe"/>): no copy.</summary>
    ReadOnlyOverlay,

    /// <summary>A sealed memfd copy of the binary (<see cref="SealedSelfCopy"/>): when the kernel or filesystem refuses the overlay.</summary>
    SealedMemfd,
}

/// <summary>
/// The fd the container's init is executed from (SpawnPlan.ExecFd, execveat AT_EMPTY_PATH): never
/// the host's hutch file itself, so no process in the container can write to it through
/// /proc/PID/exe. <see cref="Open"/> tries the free read-only overlay view first and falls back to
/// the sealed memfd copy (about 2 ms and the binary's size in shmem per container).
/// </summary>
internal sealed class InitExecutable : IDisposable
{
    private InitExecutable(SafeFd fd, InitExecutableKind kind, TimeSpan setupTime, string? overlayRefusal)
    {
        Fd = fd;
        Kind = kind;
        SetupTime = setupTime;
        OverlayRefusal = overlayRefusal;
    }

    /// <summary>The close-on-exec fd to execveat: O_PATH into the overlay, or the sealed memfd.</summary>
    public SafeFd Fd { get; }

    public InitExecutableKind Kind { get; }

    /// <summary>How long making it took (the overlay's failed attempt included on fallback).</summary>
    public TimeSpan SetupTime { get; }

    /// <summary>Why the overlay view was not used (null when it was, or when it was not tried).</summary>
    public string? OverlayRefusal { get; }

    /// <summary>The program's name in spawn errors.</summary>
    public string NameForErrors => Kind == InitExecutableKind.ReadOnlyOverlay ? "hutch (read-only overlay view)" : "hutch (sealed copy)";

    /// <summary>One line for --debug: which protection, its cost, and why the overlay was refused.</summary>
    public string Describe()
    {
        var ms = SetupTime.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture);
        return Kind == InitExecutableKind.ReadOnlyOverlay
            ? $"init executable: read-only overlay view of hutch, made in {ms} ms"
            : OverlayRefusal is null
                ? $"init executable: sealed memfd copy of hutch, made in {ms} ms"
                : $"init executable: sealed memfd copy of hutch, made in {ms} ms (read-only overlay view refused: {OverlayRefusal})";
    }

    /// <summary>
    /// A read-only view of <paramref name="executable"/> (default: the running binary), or a sealed
    /// memfd copy of it when the overlay is refused (no overlayfs, no CAP_SYS_ADMIN as in rootless
    /// use, a kernel before 5.2, the binary replaced on disk) or <paramref name="tryOverlay"/> is false.
    /// </summary>
    public static InitExecutable Open(string executable = "/proc/self/exe", bool tryOverlay = true)
    {
        var watch = Stopwatch.StartNew();
        string? refusal = null;
        if (tryOverlay)
        {
            try
            {
                return new InitExecutable(ReadOnlySelfExe.Open(executable), InitExecutableKind.ReadOnlyOverlay, watch.Elapsed, null);
            }
            catch (Exception e) when (e is InitException or MountException)
            {
                refusal = e.Message;
            }
        }
        var copy = SealedSelfCopy.Create(executable);
        return new InitExecutable(copy.Fd, InitExecutableKind.SealedMemfd, watch.Elapsed, refusal);
    }

    public void Dispose() => Fd.Dispose();
}
