using Hutch.Linux.Interop;

namespace Hutch.Linux.Terminal;

/// <summary>A terminal's size in characters (struct winsize without the pixel fields).</summary>
internal readonly record struct WindowSize(ushort Rows, ushort Columns)
{
    /// <summary>
    /// From config.json's process.consoleSize (height, width); null when either is 0 (runc
    /// then leaves the size alone) or does not fit a terminal's 16-bit fields.
    /// </summary>
    public static WindowSize? FromConsoleSize(uint height, uint width) =>
        height == 0 || width == 0 || height > ushort.MaxValue || width > ushort.MaxValue
            ? null
            : new WindowSize((ushort)height, (ushort)width);

    /// <summary>TIOCGWINSZ on <paramref name="fd"/> (any end of a pty, or a terminal).</summary>
    public static WindowSize Get(SafeFd fd, string name)
    {
        var rc = Libc.hutch_tty_get_winsize(fd.Fd, out var size);
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new TerminalException("get the window size of", name, -rc,
                -rc == Errno.ENOTTY ? "it is not a terminal" : null);
        }
        return new WindowSize(size.Rows, size.Columns);
    }

    /// <summary>Like <see cref="Get"/>, null when <paramref name="fd"/> is not a terminal (or has no size).</summary>
    public static WindowSize? TryGet(SafeFd fd)
    {
        var rc = Libc.hutch_tty_get_winsize(fd.Fd, out var size);
        GC.KeepAlive(fd);
        return rc < 0 ? null : new WindowSize(size.Rows, size.Columns);
    }

    /// <summary>TIOCSWINSZ: the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public void Set(SafeFd fd, string name)
    {
        var native = new Libc.HutchWinsize { Rows = Rows, Columns = Columns };
        var rc = Libc.hutch_tty_set_winsize(fd.Fd, native);
        GC.KeepAlive(fd);
        if (rc < 0)
        {
            throw new TerminalException($"set the window size {this} of", name, -rc,
                -rc == Errno.ENOTTY ? "it is not a terminal" : null);
        }
    }

    public override string ToString() => $"{Rows}x{Columns}";
}
