using System.Security.Cryptography;

namespace Hutch.Testing;

/// <summary>Content hashes, for tests that check a file (hutch's own binary) is left unchanged.</summary>
internal static class FileHash
{
    /// <summary>The SHA-256 of the file at <paramref name="path"/>, as hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
