using System.Text;
using System.Text.Json;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// &lt;root&gt;/&lt;id&gt;/create.journal: the write-ahead log of a create, one JSON entry per
/// line, each appended and synced (fdatasync) before the side effect it names. It is the record
/// of a create that has not committed: state.json (written last) is the commit, after which the
/// journal means nothing and goes with the directory. A create killed at any point leaves this
/// file, and `delete` replays it in reverse (<see cref="UndoStack"/>). The sync costs microseconds
/// on the usual tmpfs (/run) and keeps the order on a --root on disk.
/// </summary>
internal sealed class CreateJournal : IDisposable
{
    public const string FileName = "create.journal";

    private const uint FileMode = 0b110_000_000; // 0600

    private readonly SafeFd _file;

    private CreateJournal(string path, SafeFd file)
    {
        Path = path;
        _file = file;
    }

    public string Path { get; }

    public static string PathOf(string containerDirectory) => System.IO.Path.Combine(containerDirectory, FileName);

    /// <summary>Creates the journal in a claimed container directory (the file must not exist).</summary>
    public static CreateJournal Start(string containerDirectory)
    {
        var path = PathOf(containerDirectory);
        var rc = Libc.OpenAt(null, path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_APPEND, FileMode, out var file);
        if (rc < 0)
        {
            file.Dispose();
            throw new StateException(path, $"cannot create the create journal: {Errno.Describe(-rc)}");
        }
        return new CreateJournal(path, file);
    }

    /// <summary>Appends <paramref name="entry"/> as one line and syncs it; throws StateException.</summary>
    public void Append(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, JournalJsonContext.Default.JournalEntry);
        var bytes = new byte[line.Length + 1];
        line.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        // One write(2) per entry: O_APPEND puts it at the end whole; a torn last line (a full
        // disk) is ignored by Read.
        var written = Libc.Write(_file, bytes);
        if (written != bytes.Length)
        {
            throw new StateException(Path, $"cannot append to the create journal: {(written < 0 ? Errno.Describe(-written) : "short write")}");
        }
        var rc = Libc.DataSync(_file);
        if (rc < 0 && rc != -Errno.EINVAL)
        {
            throw new StateException(Path, $"cannot sync the create journal (fdatasync): {Errno.Describe(-rc)}");
        }
    }

    /// <summary>
    /// The entries of the journal in <paramref name="containerDirectory"/>, in order; null when it
    /// has none. A last line that does not parse (cut short) is dropped; any other bad line throws
    /// StateException.
    /// </summary>
    public static List<JournalEntry>? Read(string containerDirectory)
    {
        var path = PathOf(containerDirectory);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException(path, $"cannot read the create journal: {e.Message}", e);
        }
        var entries = new List<JournalEntry>();
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            try
            {
                entries.Add(JsonSerializer.Deserialize(lines[i], JournalJsonContext.Default.JournalEntry)
                    ?? throw new JsonException("null entry"));
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                if (i == lines.Length - 1)
                {
                    break; // torn last line: its side effect never started
                }
                throw new StateException(path, $"line {i + 1} of the create journal is corrupt ({e.Message}): remove what it names by hand, then the directory", e);
            }
        }
        return entries;
    }

    public void Dispose() => _file.Dispose();
}
