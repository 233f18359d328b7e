using Hutch.Linux;

namespace Hutch.Logging;

/// <summary>
/// Where hutch reports: `hutch: &lt;message&gt;` on stderr for every failure and, with `--log FILE`,
/// the same message appended to FILE as one record in the `--log-format` format (containerd's
/// shim shows the last error record of that file). Debug and warning records go to the log file,
/// or to stderr as text records when there is none (as runc does).
/// </summary>
internal sealed class CliLog : IDisposable
{
    private readonly FileStream? file;
    private readonly LogFormat format;
    private readonly TextWriter stderr;
    private readonly Func<DateTimeOffset> clock;

    private CliLog(FileStream? file, LogFormat format, bool debug, TextWriter stderr, Func<DateTimeOffset> clock)
    {
        this.file = file;
        this.format = format;
        DebugEnabled = debug;
        this.stderr = stderr;
        this.clock = clock;
    }

    internal bool DebugEnabled { get; }

    /// <summary>
    /// The log of this hutch process (one per process: HutchApp sets it once the command line is
    /// read). Runtime code reports warnings through <see cref="Warn"/>, so that with --log they go
    /// to the log file only: containerd's shim gives `create` the container's stdio, and a warning
    /// on stderr would land in the container's output.
    /// </summary>
    internal static CliLog? Active { get; set; }

    /// <summary>A warning through the active log, or as a text record on <paramref name="fallback"/> before there is one.</summary>
    internal static void Warn(TextWriter fallback, string message) => (Active ?? StderrOnly(fallback)).Warning(message);

    /// <summary>A log that writes only to stderr (used before the command line is understood).</summary>
    internal static CliLog StderrOnly(TextWriter stderr, bool debug = false) =>
        new(null, LogFormat.Text, debug, stderr, () => DateTimeOffset.UtcNow);

    /// <summary>Opens (creates, mode 0666 less the umask, appends to) the `--log` file when one is given.</summary>
    /// <exception cref="CommandFailedException">The file cannot be opened.</exception>
    internal static CliLog Open(string? path, LogFormat format, bool debug, TextWriter stderr, Func<DateTimeOffset>? clock = null)
    {
        FileStream? file = null;
        if (!string.IsNullOrEmpty(path))
        {
            try
            {
                file = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.Append,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    BufferSize = 0,
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot open log file {path}: {IoErrors.Describe(e)} (check --log)", e);
            }
        }
        return new CliLog(file, format, debug, stderr, clock ?? (() => DateTimeOffset.UtcNow));
    }

    /// <summary>Reports a failure: `hutch: message` on stderr, an error record in the log file,
    /// and with --debug the exception's detail (type and causes; never a stack trace).</summary>
    internal void Failure(string message, Exception? cause = null)
    {
        stderr.WriteLine("hutch: " + message);
        if (DebugEnabled && cause is not null)
        {
            foreach (var line in ExceptionDetail.Describe(cause))
            {
                stderr.WriteLine("hutch: debug: " + line);
            }
        }
        Write(LogLevel.Error, message, toStderr: false);
    }

    internal void Warning(string message) => Write(LogLevel.Warning, message, toStderr: true);

    internal void Debug(string message)
    {
        if (DebugEnabled)
        {
            Write(LogLevel.Debug, message, toStderr: true);
        }
    }

    private void Write(LogLevel level, string message, bool toStderr)
    {
        var time = clock();
        if (file is not null)
        {
            try
            {
                // One write per record, at the current end: the file is shared with other hutch
                // processes. (FileStream cannot open with O_APPEND; seeking just before the write
                // keeps the window for a concurrent writer to a few instructions.)
                var record = LogRecordFormatter.Format(format, level, message, time);
                file.Seek(0, SeekOrigin.End);
                file.Write(record);
                file.Flush();
            }
            catch (IOException e)
            {
                stderr.WriteLine($"hutch: cannot write to log file {file.Name}: {IoErrors.Describe(e)}");
            }
        }
        else if (toStderr)
        {
            stderr.Write(System.Text.Encoding.UTF8.GetString(LogRecordFormatter.Format(LogFormat.Text, level, message, time)));
        }
    }

    public void Dispose() => file?.Dispose();
}
