using Hutch.Linux.Interop;
using static Hutch.Linux.Interop.Libc.TerminalConstants;

namespace Hutch.Linux.Terminal;

/// <summary>
/// A terminal's termios settings, saved when taken and written back on <see cref="Restore"/>
/// or Dispose. <see cref="EnterRaw"/> is what `hutch run` does to its own terminal: every
/// keystroke (Ctrl-C included) passes to the container's pty, whose line discipline then
/// echoes, edits lines and sends signals inside the container.
/// </summary>
internal sealed class TerminalMode : IDisposable
{
    private readonly SafeFd _fd;
    private readonly string _name;
    private readonly Libc.Termios _saved;
    private int _restored;

    private TerminalMode(SafeFd fd, string name, Libc.Termios saved)
    {
        _fd = fd;
        _name = name;
        _saved = saved;
    }

    /// <summary>The settings as they were when this object was made.</summary>
    public Libc.Termios Saved => _saved;

    /// <summary>isatty(3): whether <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(SafeFd fd)
    {
        var result = Libc.terminal_isatty(fd.Fd) == 1;
        GC.KeepAlive(fd);
        return result;
    }

    /// <summary>tcgetattr(3).</summary>
    public static Libc.Termios Get(SafeFd fd, string name)
    {
        var rc = Libc.terminal_tcgetattr(fd.Fd, out var termios);
        var errno = rc < 0 ? Libc.LastErrno : 0;
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new TerminalException("get the terminal attributes of", name, errno,
                errno == Errno.ENOTTY ? "it is not a terminal" : null);
        }
        return termios;
    }

    /// <summary>tcsetattr(3) with <paramref name="action"/> (TCSANOW, TCSADRAIN, TCSAFLUSH), EINTR retried.</summary>
    public static void Set(SafeFd fd, string name, in Libc.Termios termios, int action = TCSANOW)
    {
        int rc;
        int errno;
        do
        {
            rc = Libc.terminal_tcsetattr(fd.Fd, action, termios);
            errno = rc < 0 ? Libc.LastErrno : 0;
        }
        while (errno == Errno.EINTR);
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new TerminalException("set the terminal attributes of", name, errno);
        }
    }

    /// <summary>cfmakeraw(3)'s changes: no input or output processing, no echo, no line editing, no signals, 8-bit characters, reads return after 1 byte.</summary>
    public static unsafe Libc.Termios MakeRaw(Libc.Termios termios)
    {
        termios.InputFlags &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        termios.OutputFlags &= ~OPOST;
        termios.LocalFlags &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        termios.ControlFlags &= ~(CSIZE | PARENB);
        termios.ControlFlags |= CS8;
        termios.ControlChars[VMIN] = 1;
        termios.ControlChars[VTIME] = 0;
        return termios;
    }

    /// <summary>Saves the settings of <paramref name="fd"/> without changing them; Dispose writes them back.</summary>
    public static TerminalMode Save(SafeFd fd, string name) => new(fd, name, Get(fd, name));

    /// <summary>Saves the settings of <paramref name="fd"/>, then puts it in raw mode; Dispose restores them.</summary>
    public static TerminalMode EnterRaw(SafeFd fd, string name)
    {
        var mode = Save(fd, name);
        Set(fd, name, MakeRaw(mode._saved));
        return mode;
    }

    /// <summary>Writes the saved settings back (once; later calls do nothing). TCSADRAIN: output already written keeps its old processing.</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0)
        {
            Set(_fd, _name, _saved, TCSADRAIN);
        }
    }

    /// <summary>Restores, ignoring a terminal that went away (a hung-up tty cannot be restored and need not be).</summary>
    public void Dispose()
    {
        try
        {
            Restore();
        }
        catch (TerminalException e) when (e.Errno is Errno.EIO or Errno.EBADF or Errno.ENOTTY)
        {
        }
    }
}
