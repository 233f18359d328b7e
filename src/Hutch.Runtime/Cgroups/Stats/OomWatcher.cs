using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>
/// Reports the OOM killer firing in a container's memory cgroup.
/// <list type="bullet">
/// <item>cgroup v1: an eventfd registered for memory.oom_control through cgroup.event_control;
/// the kernel counts one on the eventfd per OOM (and signals it once more when the cgroup is
/// removed, which is told apart by the directory being gone).</item>
/// <item>cgroup v2: inotify on memory.events (the kernel notifies every change to it); the
/// oom_kill count there going up is the event.</item>
/// </list>
/// Not thread-safe: one caller waits at a time.
/// </summary>
internal sealed class OomWatcher : IDisposable
{
    private readonly SafeFd _notifyFd;
    private readonly SafeFd? _oomControl;
    private readonly string _directory;
    private readonly bool _unified;
    private ulong _oomKills;

    private OomWatcher(string directory, bool unified, SafeFd notifyFd, SafeFd? oomControl, ulong oomKills)
    {
        _directory = directory;
        _unified = unified;
        _notifyFd = notifyFd;
        _oomControl = oomControl;
        _oomKills = oomKills;
    }

    /// <summary>The memory cgroup watched.</summary>
    public string Directory => _directory;

    /// <summary>True once the cgroup has been removed (v1 tells so through the eventfd); nothing more will come.</summary>
    public bool CgroupRemoved { get; private set; }

    /// <summary>
    /// Starts watching the container's memory cgroup; null when it has none (no memory controller),
    /// or on v2 when memory.events does not exist.
    /// </summary>
    public static OomWatcher? Open(IReadOnlyDictionary<string, string> directories) =>
        CgroupStats.MemoryDirectory(directories) is { } memory ? Open(memory.Directory, memory.Unified) : null;

    /// <summary>Starts watching the memory cgroup <paramref name="directory"/> (v2 when <paramref name="unified"/>).</summary>
    public static OomWatcher? Open(string directory, bool unified) =>
        unified ? OpenUnified(directory) : OpenV1(directory);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (zero: only looks) for OOMs and returns how many
    /// happened since the last call (0 on timeout).
    /// </summary>
    public int Wait(TimeSpan timeout)
    {
        if (CgroupRemoved)
        {
            return 0;
        }
        var ready = Libc.PollReadable(_notifyFd, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        if (ready < 0)
        {
            throw Failed("wait for OOM notifications", -ready);
        }
        if (ready == 0)
        {
            return 0;
        }
        return _unified ? CountUnified() : CountV1();
    }

    public void Dispose()
    {
        _notifyFd.Dispose();
        _oomControl?.Dispose();
    }

    private static OomWatcher? OpenV1(string directory)
    {
        var controlPath = Path.Combine(directory, "memory.oom_control");
        var rc = Libc.OpenAt(null, controlPath, Libc.O_RDONLY, 0, out var oomControl);
        if (rc == -Errno.ENOENT)
        {
            return null;
        }
        if (rc < 0)
        {
            throw Error($"open `{controlPath}`", -rc);
        }
        var eventFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (eventFd < 0)
        {
            var errno = Libc.LastErrno;
            oomControl.Dispose();
            throw Error("create an eventfd for OOM notifications", errno);
        }
        var notify = new SafeFd(eventFd);
        try
        {
            // "<eventfd> <fd of memory.oom_control>" in one write registers the notification.
            var registration = string.Create(CultureInfo.InvariantCulture, $"{notify.Fd} {oomControl.Fd}");
            var eventControl = Path.Combine(directory, "cgroup.event_control");
            using (var stream = new FileStream(eventControl, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                stream.Write(Encoding.ASCII.GetBytes(registration));
            }
            return new OomWatcher(directory, unified: false, notify, oomControl, MemoryReader.OomKills(directory, unified: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notify.Dispose();
            oomControl.Dispose();
            throw new CgroupStatsException(
                $"register for OOM notifications in `{directory}` (cgroup.event_control): {IoErrors.Describe(e)}", e);
        }
        catch
        {
            notify.Dispose();
            oomControl.Dispose();
            throw;
        }
    }

    private static OomWatcher? OpenUnified(string directory)
    {
        var events = Path.Combine(directory, "memory.events");
        var fd = Libc.inotify_init1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
        if (fd < 0)
        {
            throw Error("create an inotify instance for OOM notifications", Libc.LastErrno);
        }
        var notify = new SafeFd(fd);
        if (Libc.inotify_add_watch(notify.Fd, events, Libc.IN_MODIFY) < 0)
        {
            var errno = Libc.LastErrno;
            notify.Dispose();
            return errno == Errno.ENOENT ? null : throw Error($"watch `{events}`", errno);
        }
        // Counted after the watch is in place, so an OOM in between is not lost.
        return new OomWatcher(directory, unified: true, notify, null, MemoryReader.OomKills(directory, unified: true));
    }

    private int CountV1()
    {
        Span<byte> counter = stackalloc byte[sizeof(ulong)];
        var n = Libc.Read(_notifyFd, counter);
        if (n == -Errno.EAGAIN)
        {
            return 0;
        }
        if (n != sizeof(ulong))
        {
            throw Failed("read the OOM eventfd", n < 0 ? -n : Errno.EIO);
        }
        // The kernel signals the eventfd once more when the cgroup goes away: that is no OOM.
        if (!File.Exists(Path.Combine(_directory, "cgroup.event_control")))
        {
            CgroupRemoved = true;
            return 0;
        }
        var count = BitConverter.ToUInt64(counter);
        return (int)Math.Min(count, int.MaxValue);
    }

    private int CountUnified()
    {
        // Drain the inotify queue; its events only say "memory.events changed".
        Span<byte> buffer = stackalloc byte[4096];
        var ignored = false;
        while (Libc.Read(_notifyFd, buffer) is var n && n > 0)
        {
            // struct inotify_event: wd (4), mask (4), cookie (4), len (4), name[len].
            for (var offset = 0; offset + 16 <= n; offset += 16 + (int)BitConverter.ToUInt32(buffer[(offset + 12)..]))
            {
                ignored |= (BitConverter.ToUInt32(buffer[(offset + 4)..]) & Libc.IN_IGNORED) != 0;
            }
        }
        if (ignored)
        {
            // The watch is gone: the cgroup was removed.
            CgroupRemoved = true;
        }
        ulong now;
        try
        {
            now = MemoryReader.OomKills(_directory, unified: true);
        }
        catch (CgroupStatsException) when (CgroupRemoved)
        {
            return 0;
        }
        var added = now > _oomKills ? now - _oomKills : 0;
        _oomKills = now;
        return (int)Math.Min(added, int.MaxValue);
    }

    private CgroupStatsException Failed(string operation, int errno) => Error($"{operation} for `{_directory}`", errno);

    private static CgroupStatsException Error(string operation, int errno) => new($"{operation}: {Errno.Describe(errno)}");
}
