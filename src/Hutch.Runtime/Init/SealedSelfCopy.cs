using System.Diagnostics;
using System.Runtime.InteropServices;
using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Init;

/// <summary>
/// A sealed in-memory copy of the running hutch binary, executed (execveat of the fd) as the
/// container's init: /proc/PID/exe inside then names the memfd, which can be neither written
/// nor resized, so a container process can never reach the host's hutch file for writing
/// through it (CVE-2019-5736). The copy costs one sendfile of the binary per create
/// (<see cref="CopyTime"/>; measured about 2 ms for the ~5.8 MB AOT binary on this VM), so it is
/// only the fallback of <see cref="InitExecutable.Open"/> when the free read-only overlay view
/// (<see cref="ReadOnlySelfExe"/>) is refused.
/// </summary>
internal sealed partial class SealedSelfCopy : IDisposable
{
    // memfd_create flags and F_SEAL_* (include/uapi/linux/memfd.h, fcntl.h; same on x86-64 and arm64).
    internal const uint MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2;
    internal const uint F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4, F_SEAL_WRITE = 0x8;

    /// <summary>The seals a self-copy carries: no write, no resize, no further change of seals.</summary>
    internal const uint AllSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

    private SealedSelfCopy(SafeFd fd, TimeSpan copyTime)
    {
        Fd = fd;
        CopyTime = copyTime;
    }

    /// <summary>The sealed memfd (close-on-exec; SpawnPlan.ExecFd executes it).</summary>
    public SafeFd Fd { get; }

    /// <summary>How long the copy took (for --debug and the benchmark notes).</summary>
    public TimeSpan CopyTime { get; }

    /// <summary>Copies <paramref name="source"/> (default /proc/self/exe) into a new sealed memfd.</summary>
    public static SealedSelfCopy Create(string source = "/proc/self/exe")
    {
        var watch = Stopwatch.StartNew();
        var memfd = hutch_memfd_create("hutch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (memfd < 0)
        {
            throw new InitException($"create the sealed copy of hutch (memfd_create): {Errno.Describe(-memfd)}");
        }
        var fd = new SafeFd(memfd);
        try
        {
            var rc = Libc.OpenAt(null, source, Libc.O_RDONLY, 0, out var input);
            using (input)
            {
                if (rc < 0)
                {
                    throw new InitException($"open {source} to copy hutch into a sealed memfd: {Errno.Describe(-rc)}");
                }
                rc = hutch_copy_all(input.Fd, fd.Fd);
                if (rc < 0)
                {
                    throw new InitException($"copy {source} into a sealed memfd: {Errno.Describe(-rc)}");
                }
            }
            rc = hutch_add_seals(fd.Fd, AllSeals);
            if (rc < 0)
            {
                throw new InitException($"seal the copy of hutch (F_ADD_SEALS): {Errno.Describe(-rc)}");
            }
            return new SealedSelfCopy(fd, watch.Elapsed);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>The seals on <paramref name="fd"/> (F_GET_SEALS), or -errno (EINVAL: not a memfd).</summary>
    internal static int GetSeals(SafeFd fd)
    {
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            return hutch_get_seals(fd.Fd);
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    public void Dispose() => Fd.Dispose();

    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int hutch_memfd_create(string name, uint flags);

    [LibraryImport("libhutchnative")]
    private static partial int hutch_add_seals(int fd, uint seals);

    [LibraryImport("libhutchnative")]
    private static partial int hutch_get_seals(int fd);

    [LibraryImport("libhutchnative")]
    private static partial int hutch_copy_all(int inFd, int outFd);
}
