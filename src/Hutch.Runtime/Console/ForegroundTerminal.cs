using System.Runtime.InteropServices;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;

// Not "Hutch.Runtime.Console": a namespace of that name would hide System.Console from every
// file under Hutch.Runtime.*.
namespace Hutch.Runtime.Consoles;

/// <summary>
/// `hutch run` in the foreground with process.terminal: the user's terminal becomes the
/// container's. Holds the pty master (received from the init over the internal socket pair),
/// puts hutch's own stdin in raw mode when it is a terminal (so Ctrl-C, Ctrl-Z, arrows reach
/// the container's line discipline), copies input -> master and master -> output on two
/// threads, copies the window size at start and on every SIGWINCH, and restores the
/// terminal's mode on every way out (Stop, Dispose, process exit, unhandled exception).
///
/// `run` calls, in order:
/// <code>
///   var (runtimeEnd, initEnd) = ConsoleSocket.CreatePair();   // initEnd: the init's console socket fd
///   ... spawn the init with initEnd; initEnd.Dispose() in hutch ...
///   var master = ConsoleSocket.ReceiveFd(runtimeEnd, "the init's console socket", out _);
///   using var terminal = ForegroundTerminal.StartOnStdio(master);   // before `start`
///   ... start the container, forward signals, wait for the init to exit ...
///   terminal.Stop(TimeSpan.FromSeconds(1));   // drain what the container wrote last, restore the mode
/// </code>
/// </summary>
internal sealed class ForegroundTerminal : IDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly SafeFd _master;
    private readonly SafeFd _input;
    private readonly SafeFd _output;
    private readonly SafeFd? _sizeSource;
    private readonly TerminalMode? _mode;
    private readonly SafeFd _wakeRead;
    private readonly SafeFd _wakeWrite;
    private readonly Thread _inputThread;
    private readonly Thread _outputThread;
    private readonly ManualResetEventSlim _outputDone = new();
    private readonly Lock _lock = new();
    private PosixSignalRegistration? _winch;
    private volatile bool _hungUp;
    private volatile bool _stopping;
    private long _drainDeadline;
    private Exception? _failure;
    private bool _disposed;

    private ForegroundTerminal(SafeFd master, SafeFd input, SafeFd output)
    {
        _master = master;
        _input = input;
        _output = output;
        var rc = Libc.Pipe(out _wakeRead, out _wakeWrite);
        if (rc < 0)
        {
            throw new TerminalException("create", "the terminal copier's wake-up pipe", -rc);
        }
        InputIsTerminal = TerminalMode.IsTerminal(input);
        _sizeSource = InputIsTerminal ? input : TerminalMode.IsTerminal(output) ? output : null;
        if (InputIsTerminal)
        {
            _mode = TerminalMode.EnterRaw(input, "stdin");
        }
        _inputThread = new Thread(CopyInput) { IsBackground = true, Name = "hutch terminal input" };
        _outputThread = new Thread(CopyOutput) { IsBackground = true, Name = "hutch terminal output" };
    }

    /// <summary>Whether hutch's input is a terminal (and was put in raw mode).</summary>
    public bool InputIsTerminal { get; }

    /// <summary>The master reported a hang-up: every holder of the peer closed it (the container is gone).</summary>
    public bool HungUp => _hungUp;

    /// <summary>The first error of a copy thread (a failed write to the output, say), or null.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_lock)
            {
                return _failure;
            }
        }
    }

    /// <summary>
    /// Starts copying between <paramref name="input"/>/<paramref name="output"/> and
    /// <paramref name="master"/>, which this object owns from now on. The input and output
    /// are borrowed (not closed).
    /// </summary>
    public static ForegroundTerminal Start(SafeFd master, SafeFd input, SafeFd output)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ForegroundTerminal? terminal = null;
        try
        {
            terminal = new ForegroundTerminal(master, input, output);
            terminal.Begin();
            return terminal;
        }
        catch
        {
            if (terminal is not null)
            {
                terminal.Dispose();
            }
            else
            {
                master.Dispose();
            }
            throw;
        }
    }

    /// <summary><see cref="Start"/> on hutch's own stdin (fd 0) and stdout (fd 1).</summary>
    public static ForegroundTerminal StartOnStdio(SafeFd master) =>
        Start(master, new SafeFd(0, ownsHandle: false), new SafeFd(1, ownsHandle: false));

    /// <summary>Copies the size of hutch's terminal to the container's (what SIGWINCH triggers). No terminal: nothing to copy.</summary>
    public void Resize()
    {
        if (_sizeSource is null || _disposed)
        {
            return;
        }
        if (WindowSize.TryGet(_sizeSource) is { Rows: > 0, Columns: > 0 } size)
        {
            try
            {
                size.Set(_master, "the container's terminal");
            }
            catch (TerminalException e) when (e.Errno is Errno.EIO or Errno.EBADF)
            {
                // The container is gone; nothing to resize.
            }
        }
    }

    /// <summary>Waits until the master hangs up (every process in the container closed the terminal). False on timeout.</summary>
    public bool WaitForHangup(TimeSpan timeout) => _outputDone.Wait(timeout) && _hungUp;

    /// <summary>
    /// Ends the copying (call once the container's process exited): output the container
    /// wrote last is still copied until the master hangs up or <paramref name="drain"/> passes,
    /// then the threads stop and the terminal's mode is restored. Throws the copy threads'
    /// first error, if any.
    /// </summary>
    public void Stop(TimeSpan drain)
    {
        StopCopying(drain);
        RestoreMode();
        if (Failure is { } failure)
        {
            throw new TerminalException("copy between the terminal and the container", "stdio", 0, failure.Message);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        StopCopying(TimeSpan.Zero);
        RestoreMode();
        _disposed = true;
        _winch?.Dispose();
        _outputDone.Dispose();
        _wakeRead.Dispose();
        _wakeWrite.Dispose();
        _master.Dispose();
    }

    private void Begin()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        if (_sizeSource is not null && OperatingSystem.IsLinux())
        {
            Resize();
            _winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Resize());
        }
        _outputThread.Start();
        _inputThread.Start();
    }

    private void StopCopying(TimeSpan drain)
    {
        if (!_stopping)
        {
            Interlocked.Exchange(ref _drainDeadline, Environment.TickCount64 + (long)drain.TotalMilliseconds);
            _stopping = true;
            // The pipe stays readable from now on: both threads see it in every later poll.
            Libc.Write(_wakeWrite, "x"u8);
        }
        if (_outputThread.IsAlive)
        {
            _outputThread.Join(drain + TimeSpan.FromSeconds(2));
        }
        if (_inputThread.IsAlive)
        {
            // It may sit in a write to a container that stopped reading; it ends with EIO when the pty goes.
            _inputThread.Join(TimeSpan.FromSeconds(1));
        }
    }

    private void RestoreMode()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        _mode?.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => _mode?.Dispose();

    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e) => _mode?.Dispose();

    /// <summary>master -> output until the master hangs up (EIO), or, once stopping, until the drain deadline.</summary>
    private void CopyOutput()
    {
        var refs = new FdRefs();
        try
        {
            refs.Add(_master);
            refs.Add(_output);
            refs.Add(_wakeRead);
            var buffer = new byte[BufferSize];
            while (true)
            {
                var timeout = -1;
                if (_stopping)
                {
                    var left = Interlocked.Read(ref _drainDeadline) - Environment.TickCount64;
                    if (left <= 0)
                    {
                        return;
                    }
                    // Quiet for a moment after the stop: nothing more is coming.
                    timeout = (int)Math.Min(left, 100);
                }
                var ready = Poll(_master, _stopping ? null : _wakeRead, timeout);
                if (ready == Readiness.Timeout)
                {
                    return;
                }
                if (ready == Readiness.Wake)
                {
                    continue; // re-evaluate with the drain deadline
                }
                var n = Libc.Read(_master, buffer);
                if (n == -Errno.EIO || n == 0)
                {
                    _hungUp = true;
                    return;
                }
                if (n == -Errno.EAGAIN)
                {
                    continue;
                }
                if (n < 0)
                {
                    throw new TerminalException("read from", "the container's terminal", -n);
                }
                WriteAll(_output, buffer.AsSpan(0, n), "stdout");
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            refs.Dispose();
            _outputDone.Set();
        }
    }

    /// <summary>input -> master until the input ends, the master hangs up, or the copy stops.</summary>
    private void CopyInput()
    {
        var refs = new FdRefs();
        try
        {
            refs.Add(_master);
            refs.Add(_input);
            refs.Add(_wakeRead);
            var buffer = new byte[BufferSize];
            while (!_stopping)
            {
                var ready = Poll(_input, _wakeRead, -1);
                if (ready != Readiness.Fd)
                {
                    return;
                }
                var n = Libc.Read(_input, buffer);
                if (n == -Errno.EAGAIN)
                {
                    continue;
                }
                if (n <= 0)
                {
                    // End of input (or a hung-up terminal): the container keeps its terminal; nothing more to type.
                    return;
                }
                if (!TryWriteAll(_master, buffer.AsSpan(0, n)))
                {
                    return; // the container is gone
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            refs.Dispose();
        }
    }

    private enum Readiness
    {
        Fd,
        Wake,
        Timeout,
    }

    /// <summary>poll(2) on <paramref name="fd"/> and the wake-up pipe; EINTR retried.</summary>
    private static unsafe Readiness Poll(SafeFd fd, SafeFd? wake, int timeoutMs)
    {
        var entries = stackalloc Libc.PollFd[2];
        entries[0] = new Libc.PollFd { Fd = fd.Fd, Events = Libc.POLLIN };
        entries[1] = new Libc.PollFd { Fd = wake?.Fd ?? -1, Events = Libc.POLLIN };
        while (true)
        {
            var rc = Libc.poll(entries, 2, timeoutMs);
            if (rc < 0)
            {
                var errno = Libc.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                throw new TerminalException("wait for", "the terminal's input or output", errno);
            }
            if (rc == 0)
            {
                return Readiness.Timeout;
            }
            // Data or hang-up on the fd first: the read tells which.
            return entries[0].Revents != 0 ? Readiness.Fd : Readiness.Wake;
        }
    }

    private static void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string name)
    {
        while (!data.IsEmpty)
        {
            var n = Libc.Write(fd, data);
            if (n == -Errno.EAGAIN)
            {
                Libc.PollReadable(fd, 10); // a non-blocking output: back off briefly
                continue;
            }
            if (n < 0)
            {
                throw new TerminalException("write to", name, -n);
            }
            data = data[n..];
        }
    }

    /// <summary>Writes everything to the master; false when the master hung up (EIO).</summary>
    private static bool TryWriteAll(SafeFd master, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var n = Libc.Write(master, data);
            if (n == -Errno.EIO)
            {
                return false;
            }
            if (n == -Errno.EAGAIN)
            {
                Thread.Sleep(10);
                continue;
            }
            if (n < 0)
            {
                throw new TerminalException("write to", "the container's terminal", -n);
            }
            data = data[n..];
        }
        return true;
    }

    private void Fail(Exception e)
    {
        lock (_lock)
        {
            _failure ??= e;
        }
    }

    /// <summary>Keeps fds from being closed under a copy thread (Dispose defers the close until release).</summary>
    private sealed class FdRefs : IDisposable
    {
        private readonly List<SafeFd> _held = [];

        public void Add(SafeFd fd)
        {
            var added = false;
            fd.DangerousAddRef(ref added);
            if (added)
            {
                _held.Add(fd);
            }
        }

        public void Dispose()
        {
            foreach (var fd in _held)
            {
                fd.DangerousRelease();
            }
            _held.Clear();
        }
    }
}
