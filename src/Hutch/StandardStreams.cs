using System.Text;
using Hutch.Linux.Interop;

namespace Hutch;

/// <summary>
/// stdout and stderr as writers that call write(2) on fds 1 and 2. Neither System.Console nor
/// FileStream is used, on purpose: Console on a terminal initialises terminfo and writes the
/// keypad-transmit sequence (ESC[?1h ESC=) to the user's terminal, and FileStream on a regular
/// file writes at its own offset from 0, clobbering a log that stderr is appended to.
/// </summary>
internal static class StandardStreams
{
    public static TextWriter Open(int fd) =>
        new StreamWriter(new FdWriteStream(new SafeFd(fd, ownsHandle: false)), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false))
        {
            AutoFlush = true,
        };

    /// <summary>A write-only stream over an fd it does not own; a write to a closed or broken fd is dropped.</summary>
    private sealed class FdWriteStream(SafeFd fd) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var n = Libc.Write(fd, buffer);
                if (n <= 0)
                {
                    return; // EBADF, EPIPE ...: nobody to tell (this is stdout/stderr itself).
                }
                buffer = buffer[n..];
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
