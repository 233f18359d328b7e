using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Tests.Terminal;

internal static class TerminalTestHelpers
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static void WriteAll(SafeFd fd, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        var offset = 0;
        while (offset < data.Length)
        {
            var n = Libc.Write(fd, data.AsSpan(offset));
            Assert.True(n > 0, $"write fd {fd.Fd}: errno {-n}");
            offset += n;
        }
    }

    /// <summary>Reads from <paramref name="fd"/> until the text read contains <paramref name="expected"/>; fails at the deadline.</summary>
    public static string ReadUntil(SafeFd fd, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var left = (int)(deadline - Environment.TickCount64);
            Assert.True(left > 0, $"waited {Deadline} for \"{expected}\"; got \"{text}\"");
            var ready = Libc.PollReadable(fd, left);
            Assert.True(ready >= 0, $"poll: errno {-ready}");
            if (ready == 0)
            {
                continue;
            }
            var n = Libc.Read(fd, buffer);
            Assert.True(n > 0, $"read fd {fd.Fd}: {(n == 0 ? "EOF" : "errno " + -n)} before \"{expected}\"; got \"{text}\"");
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    /// <summary>The open fds of this process (for leak checks).</summary>
    public static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;
}
