using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hutch.Spec;

/// <summary>Reads and writes config.json.</summary>
internal static class ConfigJson
{
    // Writing: config.json is never embedded in HTML, so keep '+', '<', '&' and non-ASCII
    // readable instead of \uXXXX (what `runc spec` users expect to see).
    private static readonly SpecJsonContext Writer = new(new JsonSerializerOptions(SpecJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Decodes config.json. Throws <see cref="ConfigFormatException"/> naming <paramref name="source"/> and the JSON path.</summary>
    public static ContainerConfig Parse(ReadOnlySpan<byte> utf8, string source = "config.json")
    {
        ContainerConfig config = JsonDecoding.Decode(utf8, SpecJsonContext.Default.ContainerConfig, source);
        if (NullElementCheck.FindNull(config) is { } path)
        {
            throw new ConfigFormatException(source, path, $"{source}: {path}: must not be null");
        }

        return config;
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/>; errors name the path.</summary>
    public static ContainerConfig Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigFormatException(path, null, $"{path}: no such file (is the bundle path right? it must hold config.json)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFormatException(path, null, $"{path}: cannot read: {Reason(ex)}", ex);
        }

        return Parse(bytes, path);
    }

    // The kernel's reason: System.IO keeps the errno in HResult (or in the inner exception of an
    // access error); its own messages ("Access to the path ... is denied.") are not hutch's words.
    private static string Reason(Exception ex)
    {
        var errno = ex is UnauthorizedAccessException ? ex.InnerException?.HResult ?? 13 : ex.HResult;
        if (errno is > 0 and < 4096 && System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno) is { Length: > 0 } text)
        {
            return char.ToLowerInvariant(text[0]) + text[1..];
        }
        return ex.Message;
    }

    /// <summary>Encodes like `runc spec`: tab indentation, nulls omitted, no trailing newline.</summary>
    public static string Serialize(ContainerConfig config)
        => JsonSerializer.Serialize(config, Writer.ContainerConfig);
}
