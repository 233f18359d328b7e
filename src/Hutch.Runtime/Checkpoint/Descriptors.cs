using System.Text.Json;

namespace Hutch.Runtime.Checkpoint;

/// <summary>
/// descriptors.json in the image directory, runc's format (a JSON array of what the init's fds 0,
/// 1 and 2 pointed at, e.g. "pipe:[123]", "/dev/null"), so images move between runc and hutch.
/// At restore each "pipe:[...]" entry becomes an inherit_fd: the restored process gets the
/// restoring hutch's own stdio in its place (how podman's conmon and containerd's shim hand
/// the restored container its new pipes).
/// </summary>
internal static class Descriptors
{
    public const string FileName = "descriptors.json";

    public static void Write(string imageDirectory, int pid)
    {
        var path = Path.Combine(imageDirectory, FileName);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            for (var fd = 0; fd < 3; fd++)
            {
                string target;
                try
                {
                    target = new FileInfo($"/proc/{CriuSession.Number(pid)}/fd/{CriuSession.Number(fd)}").LinkTarget ?? "";
                }
                catch (IOException)
                {
                    target = ""; // a closed fd
                }
                writer.WriteStringValue(target);
            }
            writer.WriteEndArray();
        }
        try
        {
            File.WriteAllBytes(path, stream.ToArray());
            _ = Hutch.Linux.Interop.Libc.chmod(path, 0b110_000_000); // 0600: runc's mode
        }
        catch (Exception e) when (Hutch.Linux.IoErrors.IsIoFailure(e))
        {
            throw new CriuException($"write {path}: {Hutch.Linux.IoErrors.Describe(e)}", e);
        }
    }

    /// <summary>The entries; a missing or malformed file is an error naming it (the images are not a runtime's checkpoint).</summary>
    public static IReadOnlyList<string> Read(string imageDirectory)
    {
        var path = Path.Combine(imageDirectory, FileName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CriuException($"--image-path {imageDirectory}: no {FileName} there: it is not a checkpoint written by `hutch checkpoint` (or runc's)");
        }
        catch (Exception e) when (Hutch.Linux.IoErrors.IsIoFailure(e))
        {
            throw new CriuException($"read {path}: {Hutch.Linux.IoErrors.Describe(e)}", e);
        }
        var entries = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("not an array");
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                entries.Add(reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : throw new JsonException("not a string"));
            }
        }
        catch (JsonException e)
        {
            throw new CriuException($"{path}: not a JSON array of strings ({e.Message})", e);
        }
        return entries;
    }
}
